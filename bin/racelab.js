#!/usr/bin/env node
// racelab ships its TypeScript sources; tsx compiles them as they load (Node 20 cannot strip types).
import { register } from 'tsx/esm/api';

register();
const { runProcess } = await import('../cli/main.ts');
await runProcess();
