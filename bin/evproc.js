#!/usr/bin/env node
// Entry point of the evproc CLI. The TypeScript sources in lib/ are compiled
// to dist/ by `npm install` (the prepare script) or `npm run build`.
import { main } from '../dist/cli/main.js';

await main(process.argv);
