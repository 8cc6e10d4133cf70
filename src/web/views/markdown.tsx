import MarkdownIt from 'markdown-it';

// html: false escapes any raw HTML in the source; links are limited to safe
// schemes by markdown-it's validateLink.
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

/** Renders trusted-author Markdown (policy text) with raw HTML disabled. */
export function Markdown(props: { source: string; class?: string }) {
  return <div class={props.class ?? 'prose'} dangerouslySetInnerHTML={{ __html: md.render(props.source) }} />;
}
