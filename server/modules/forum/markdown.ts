import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown for the BBS: CommonMark plus tables and strikethrough, no raw HTML, only http(s)
 * links, no images (the page's CSP would block remote ones anyway). The HTML that markdown-it
 * makes is then passed through an allow-list sanitiser as a second line of defence.
 */
const markdown = new MarkdownIt('default', { html: false, linkify: true, typographer: false });
markdown.disable('image');
markdown.validateLink = (url: string) => /^https?:\/\//i.test(url.trim());
markdown.linkify.set({ fuzzyEmail: false });

const ALLOWED_TAGS = ['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'em', 'strong', 's', 'del', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];

function alignAsClass(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const align = /text-align:\s*(left|center|right)/.exec(attribs.style ?? '')?.[1];
  const classes: sanitizeHtml.Attributes = align ? { class: `align-${align}` } : {};
  return { tagName, attribs: classes };
}

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: { a: ['href', 'rel', 'target'], ol: ['start'], th: ['class'], td: ['class'] },
  allowedClasses: { th: ['align-left', 'align-center', 'align-right'], td: ['align-left', 'align-center', 'align-right'] },
  allowedSchemes: ['http', 'https'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }),
    // Column alignment as a class: the page's CSP refuses style attributes.
    th: alignAsClass,
    td: alignAsClass,
  },
};

export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source), sanitizeOptions);
}

/** Block tokens after which the text of the next block starts with a space (paragraphs, cells, items). */
const BLOCK_END = /_close$|^(fence|code_block|hr)$/;

/**
 * A Markdown body as the plain text a reader sees (for search snippets): markup is dropped
 * (`**国务院**` → 国务院, a table's pipes and rules → its cells' text), blocks and cells are
 * separated by a space, and raw HTML stays literal text, as the page shows it. The snippet is cut
 * from this text, so what it highlights is exactly what the reader sees.
 */
export function markdownText(source: string): string {
  const parts: string[] = [];
  for (const token of markdown.parse(source, {})) {
    if (token.type === 'inline') {
      for (const child of token.children ?? []) {
        if (child.type === 'text' || child.type === 'code_inline' || child.type === 'html_inline') parts.push(child.content);
        else if (child.type === 'softbreak' || child.type === 'hardbreak') parts.push(' ');
      }
    } else if (token.type === 'fence' || token.type === 'code_block' || token.type === 'html_block') {
      parts.push(token.content, ' ');
    } else if (BLOCK_END.test(token.type)) {
      parts.push(' ');
    }
  }
  return parts.join('').replace(/\s+/g, ' ').trim();
}
