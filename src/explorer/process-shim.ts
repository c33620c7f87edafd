// The one Node global that code shared with the CLI reaches in the page:
// `path` (path-browserify) asks process.cwd() when it resolves a path.
export const process = { cwd: (): string => '/', env: {} as Record<string, string | undefined> };
