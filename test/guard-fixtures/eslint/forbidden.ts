// Linted by test/guard.test.ts as if it were a file of src/core and of src/pki. Each line marked `expect:` must be
// reported with that rule; every other line must pass. Never compiled, run or formatted (see eslint.config.js,
// tsconfig.json and .prettierignore).
import { readFileSync } from 'node:fs'; // expect: no-restricted-imports
import { readFile } from 'fs/promises'; // expect: no-restricted-imports
import * as net from 'node:net'; // expect: no-restricted-imports
import { lookup } from 'dns'; // expect: no-restricted-imports
import { resolve4 } from 'node:dns/promises'; // expect: no-restricted-imports
import { request } from 'node:http'; // expect: no-restricted-imports
import https from 'https'; // expect: no-restricted-imports
import { connect } from 'node:http2'; // expect: no-restricted-imports
import { execFile } from 'node:child_process'; // expect: no-restricted-imports
import { connect as tlsConnect } from 'node:tls'; // expect: no-restricted-imports
import { createSocket } from 'dgram'; // expect: no-restricted-imports
import { hostname } from 'node:os'; // expect: no-restricted-imports
import { Worker } from 'worker_threads'; // expect: no-restricted-imports
import { env } from 'node:process'; // expect: no-restricted-imports
import { Kysely } from 'kysely'; // expect: no-restricted-imports
import fastify from 'fastify'; // expect: no-restricted-imports
import pg from 'pg'; // expect: no-restricted-imports
import Database from 'better-sqlite3'; // expect: no-restricted-imports
import pino from 'pino'; // expect: no-restricted-imports
import nodemailer from 'nodemailer'; // expect: no-restricted-imports
import { randomUUID } from 'node:crypto'; // expect: no-restricted-imports
import { randomBytes as bytes } from 'crypto'; // expect: no-restricted-imports
import { createHash, webcrypto } from 'node:crypto';

export const uses = [readFileSync, readFile, net, lookup, resolve4, request, https, connect, execFile, tlsConnect];
export const more = [createSocket, hostname, Worker, env, Kysely, fastify, pg, Database, pino, nodemailer];
export const drawn = [randomUUID, bytes];

export const home = 'http://example.test/'; const now = new Date(); // expect: no-restricted-syntax
export const today = Date(); // expect: no-restricted-syntax
export const ms = Date.now(); // expect: no-restricted-properties
export const dice = Math.random(); // expect: no-restricted-properties
export const id = crypto.randomUUID(); // expect: no-restricted-syntax
export const salt = webcrypto.getRandomValues(new Uint8Array(8)); // expect: no-restricted-syntax
export const pick = globalThis.crypto.randomInt; // expect: no-restricted-syntax
export const noise = crypto.getRandomValues(new Uint8Array(8)); // expect: no-restricted-syntax
export const home2 = process.env.HOME; // expect: no-restricted-globals
export const argv = globalThis.process.argv; // expect: no-restricted-properties
export const page = fetch('https://example.test/'); // expect: no-restricted-globals
export const page2 = globalThis.fetch('https://example.test/'); // expect: no-restricted-properties
export const tick = performance.now(); // expect: no-restricted-globals
export const lazy = import('node:fs'); // expect: no-restricted-syntax
export const lazyDb = import('better-sqlite3'); // expect: no-restricted-syntax
export const old = require('node:net'); // expect: no-restricted-syntax

// Allowed: a given instant, a computed date, hashing, and a variable named like a forbidden global's property.
export const epoch = new Date(0);
export const later = new Date(epoch.getTime() + 1000);
export const utc = Date.UTC(2026, 0, 1);
export const digest = createHash('sha256').update('x').digest('hex');
export const random = { seed: 1 };
export { now };
