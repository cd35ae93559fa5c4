// layer-cli: the CLI may not import the web dashboard (a sibling of its layer)
import { page } from '../web/page.js';
import { app } from '../server/app.js';
export const main = [page, app];
