// pure-no-io (three times): core does no I/O, not even through import()
import { lookup } from 'node:dns';
import { Kysely } from 'kysely';
export const io = [lookup, Kysely, import('fs')];
