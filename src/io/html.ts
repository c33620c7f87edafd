// What every page corridor-sim writes shares: escaping, and a head whose
// content security policy forbids fetching anything. Pure (the explorer page
// uses it in the browser too).

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `<!doctype html>` through `</head>`: `scripts` is the CSP's script-src ('none' when the page runs no script). */
export function pageHead(title: string, style: string, scripts = "'none'"): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src ${scripts}; style-src 'unsafe-inline'; img-src data: blob:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${style}</style>
</head>`;
}
