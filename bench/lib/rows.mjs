/**
 * Result rows. Every benchmark module returns a list of these from run(ctx):
 *   { metric, value, unit, target, pass, note?, samples? }
 * `target` is `{ max: n }` (lower is better) or `{ min: n }`; `pass` is null when not measurable,
 * or for a value reported without a target (then `note` says what it is).
 */

/** Whether `value` meets `target`. */
export function meets(value, target) {
  if (!target) return true;
  if (target.max != null && value > target.max) return false;
  if (target.min != null && value < target.min) return false;
  return true;
}

/** A measured metric. */
export function measured(metric, value, unit, target, extra = {}) {
  return { metric, value, unit, target: target ?? null, pass: meets(value, target), ...extra };
}

/** A measured value with no target (a reference or a breakdown): shown with its note, never a failure. */
export function informational(metric, value, unit, note, extra = {}) {
  return { metric, value, unit, target: null, pass: null, note, ...extra };
}

/** A metric the suite could not take (the app lacks what it needs): reported, never a failure. */
export function notMeasurable(metric, unit, target, reason) {
  return { metric, value: null, unit, target: target ?? null, pass: null, note: `not measurable: ${reason}` };
}

/** `≤ 1000`, `≥ 30`, or an empty string. */
export function formatTarget(target) {
  if (!target) return '';
  const parts = [];
  if (target.max != null) parts.push(`≤ ${target.max}`);
  if (target.min != null) parts.push(`≥ ${target.min}`);
  return parts.join(', ');
}
