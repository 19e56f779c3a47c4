/**
 * The artifact's container and Kubernetes files. The names in them are serving names (lowercase
 * letters, digits, dashes), so they need no YAML quoting; everything else is fixed text.
 */

export const SERVER_PORT = 8080;

export type DeployNames = {
  /** Kubernetes object and image name. */
  servingName: string;
  /** The production version, used as the image tag. */
  production: number;
};

export function imageOf({ servingName, production }: DeployNames): string {
  return `${servingName}-model:v${production}`;
}

export function dockerfile(names: DeployNames): string {
  return `# ${names.servingName} model server: docker build -t ${imageOf(names)} .
FROM node:20-slim
ENV NODE_ENV=production PORT=${SERVER_PORT}
WORKDIR /app
# Dependencies first, so a new model version rebuilds only the layers below.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY manifest.json ./
COPY server ./server
COPY models ./models
# The image's "node" user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE ${SERVER_PORT}
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \\
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || ${SERVER_PORT}) + '/v2/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# exec form: node is PID 1 and receives SIGTERM itself, so shutdown drains in-flight requests.
CMD ["node", "server/index.js"]
`;
}

export const DOCKERIGNORE = `node_modules
test
k8s
*.md
`;

const probes = (indent: string, port: string) => `${indent}readinessProbe:
${indent}  httpGet:
${indent}    path: /v2/health/ready${port}
${indent}  periodSeconds: 5
${indent}  failureThreshold: 2
${indent}livenessProbe:
${indent}  httpGet:
${indent}    path: /v2/health/live${port}
${indent}  periodSeconds: 10
${indent}  failureThreshold: 3
`;

const resources = (indent: string) => `${indent}resources:
${indent}  requests:
${indent}    cpu: 500m
${indent}    memory: 256Mi
${indent}  limits:
${indent}    cpu: "2"
${indent}    memory: 512Mi
`;

export function deploymentYaml(names: DeployNames): string {
  const name = names.servingName;
  return `# Plain Kubernetes: a Deployment of the model server and a ClusterIP Service in front of it.
# Push the image first (see README.md) and set "image" to its full name in your registry.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/component: model-server
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
        app.kubernetes.io/component: model-server
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "${SERVER_PORT}"
        prometheus.io/path: /metrics
    spec:
      # Longer than KILN_SHUTDOWN_TIMEOUT_MS (10 s), so in-flight requests finish before the kill.
      terminationGracePeriodSeconds: 30
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        runAsGroup: 1000
      containers:
        - name: model-server
          image: ${imageOf(names)}
          ports:
            - name: http
              containerPort: ${SERVER_PORT}
          env:
            - name: PORT
              value: "${SERVER_PORT}"
${probes('          ', '\n              port: http')}${resources('          ')}          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/name: ${name}
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - name: http
      port: 80
      targetPort: http
`;
}

export function inferenceServiceYaml(names: DeployNames): string {
  const name = names.servingName;
  return `# KServe: the model server as a custom predictor. It speaks the Open Inference Protocol (V2)
# at /v2/models/${name}/infer and MLflow's /invocations. Knative sets PORT itself, so the
# container declares its port and no PORT variable.
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: ${name}
  annotations:
    serving.kserve.io/enable-prometheus-scraping: "true"
    prometheus.kserve.io/port: "${SERVER_PORT}"
    prometheus.kserve.io/path: /metrics
spec:
  predictor:
    minReplicas: 1
    maxReplicas: 4
    # Scale out on in-flight requests per replica; the server batches concurrent requests, so
    # it takes many at once.
    scaleMetric: concurrency
    scaleTarget: 32
    containerConcurrency: 128
    timeout: 30
    containers:
      - name: kserve-container
        image: ${imageOf(names)}
        ports:
          - name: http1
            containerPort: ${SERVER_PORT}
            protocol: TCP
${probes('        ', '')}${resources('        ')}`;
}
