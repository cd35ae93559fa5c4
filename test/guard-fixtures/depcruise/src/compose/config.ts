import { connector } from '../connectors/connector.js';
export const config = { connectors: connector };
