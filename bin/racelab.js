#!/usr/bin/env node
// racelab's command line: the compiled engine in dist/ (built by `npm run build`, which npm runs
// on install of a checkout and before packing).
import { runProcess } from '../dist/cli/main.js';

await runProcess();
