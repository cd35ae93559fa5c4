// Allowed: the server takes its dependencies from compose.
import { config } from '../compose/config.js';
export const app = { config };
