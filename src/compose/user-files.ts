/**
 * The reader of every file a user names on the command line or in a request (`apply -f`, `policy test`,
 * `--targets-file`, `--config`): the composition root picks it once, so the CLI and the server never wire a
 * connector of their own and every such file has the same limits and codes (connectors/files/read-user-file.ts).
 */
export { readUserFile, type ReadUserFileOptions } from '../connectors/files/read-user-file.js';
