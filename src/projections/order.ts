/** Names in a stable order that does not depend on the server's locale: by UTF-16 code units. */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
