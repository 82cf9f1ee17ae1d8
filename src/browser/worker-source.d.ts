/** The engine worker bundle's source text, embedded by the browser build (scripts/bundle.mjs). */
declare module 'dropgrad:worker-source' {
  const source: string;
  export default source;
}
