// layer-store: store may not import connectors (a sibling of its layer)
import { connector } from '../connectors/connector.js';
export const db = connector.length;
