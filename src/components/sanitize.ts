import DOMPurify from 'dompurify';
import { marked } from 'marked';

/**
 * Every piece of HTML that did not come from Kiln's own components (markdown cells, html()
 * outputs, imported notebook outputs) passes through DOMPurify before it reaches the DOM.
 */
export function sanitizeHtml(html: string): string {
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true, svg: true }, ADD_ATTR: ['target'] });
}

export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: false });
  return sanitizeHtml(html);
}
