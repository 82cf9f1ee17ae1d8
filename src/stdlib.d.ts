/**
 * The @stdlib modules the toolkit uses, imported by file (`…/lib/index.js`): Deno (the notebooks' kernel) and
 * Node's ES module loader refuse directory imports, and these packages have no "exports" map. Their types are the
 * packages' own, re-exported here for the file paths.
 */
declare module '@stdlib/random/base/randu/lib/index.js' {
  import randu from '@stdlib/random/base/randu';
  export default randu;
}
declare module '@stdlib/random/base/box-muller/lib/index.js' {
  import boxMuller from '@stdlib/random/base/box-muller';
  export default boxMuller;
}
declare module '@stdlib/stats/base/dists/normal/cdf/lib/index.js' {
  import cdf from '@stdlib/stats/base/dists/normal/cdf';
  export default cdf;
}
declare module '@stdlib/stats/base/dists/f/cdf/lib/index.js' {
  import cdf from '@stdlib/stats/base/dists/f/cdf';
  export default cdf;
}
declare module '@stdlib/random/shuffle/lib/index.js' {
  import shuffle from '@stdlib/random/shuffle';
  export default shuffle;
}
