import { buildReport } from '../src/report/build.ts';
const t = performance.now();
const s = await buildReport({ out: '/tmp/regrep', quick: process.argv[2] === 'quick', sections: ['regularization'], progress: (l) => console.log(l, ((performance.now() - t) / 1000).toFixed(1)) });
console.log(s.seconds);
