import 'reflect-metadata';
import { configOrExit, exitOnConfigError, startBot } from './startup';

/** `npm start` (node dist/src/main.js) and `npm run dev` (the same, from the TypeScript). */
startBot(configOrExit()).catch((error) => {
  exitOnConfigError(error); // a missing DATA_KEY: the message names it, no stack
  process.stderr.write(`startup failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
