import type { Command } from 'commander';
import { COLLECTION_OF_KIND, KIND_WORDS, kindNamed } from '../../core/declarative/kind-names.js';
import type { DeleteObjectsResult, ObjectRef } from '../../core/declarative/delete-objects.js';
import { DomainError } from '../../core/errors.js';
import { action, collect, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, shortFingerprint } from '../output.js';
import { ownerChangeLine } from './apply.js';

interface DeleteOptions {
  file?: string[];
  ignoreNotFound?: boolean;
  json?: boolean;
}

/** The objects named on the command line: `KIND NAME...`, or what `-f FILE` declares. */
async function objectsToDelete(words: string[], options: DeleteOptions): Promise<ObjectRef[]> {
  if (options.file !== undefined) {
    if (words.length > 0)
      throw new DomainError('CUSTOS_USAGE', 'give either KIND NAME... or -f FILE, not both');
    const [{ readUserFile }, { objectsOfManifest }] = await Promise.all([
      import('../../compose/user-files.js'),
      import('../../core/declarative/delete-objects.js'),
    ]);
    const objects: ObjectRef[] = [];
    for (const file of options.file)
      objects.push(
        ...objectsOfManifest((await readUserFile(file, { what: 'the manifest' })).toString('utf8'), file),
      );
    // An object declared in two of the files is deleted once.
    return objects.filter((o, i) => objects.findIndex((p) => p.kind === o.kind && p.name === o.name) === i);
  }
  const [kindWord, ...names] = words;
  if (kindWord === undefined || names.length === 0)
    throw new DomainError('CUSTOS_USAGE', 'name a kind and at least one object, or -f FILE', {
      hint: 'custos delete owner payments',
    });
  const kind = kindNamed(kindWord);
  return names.map((name) => ({ kind, name }));
}

export function registerDelete(program: Command): void {
  program
    .command('delete')
    .description(
      "Delete declarative objects, all or nothing: every object must exist (unless --ignore-not-found) and none may still be named by one that stays (an owner by its identities, rules and assignments; an identity by exceptions and managed certificates). In one transaction each is deleted (audited object.deleted) and every certificate evaluated again: owners re-resolved, a deleted policy's decisions retracted, a deleted exception's waivers ended. Managed certificates are deleted with `custos managed delete`.",
    )
    .argument('[kind]', `the kind, singular or plural, any case: ${KIND_WORDS}`)
    .argument('[names...]', 'the names of the objects')
    .option(
      '-f, --file <file>',
      'delete the objects this YAML file declares (as `apply -f` reads it); repeatable',
      collect,
    )
    .option('--ignore-not-found', 'an object that does not exist is not an error (exit 0)')
    .option(
      '--json',
      'print {"objects":[{"kind","name","change"}],"ownerChanges":[...],"decisionChanges":[...]}; change is deleted or not-found',
    )
    .addHelpText(
      'after',
      examples(
        'custos delete owner payments',
        'custos delete exceptions legacy-rsa old-pos --ignore-not-found',
        'custos delete -f governance.yaml',
      ),
    )
    .action(
      action(async (kind: string | undefined, names: string[], options: DeleteOptions, command: Command) => {
        const objects = await objectsToDelete(kind === undefined ? [] : [kind, ...names], options);
        const [{ withBackend }, { deleteObjects }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/declarative/delete-objects.js'),
        ]);
        const ignoreNotFound = options.ignoreNotFound === true;
        const result = await withBackend(globalOptions(command), {
          local: (rt) => deleteObjects(rt, { objects, actor: rt.actor, ignoreNotFound }),
          remote: (api) => {
            const [only] = objects;
            return objects.length === 1 && only !== undefined
              ? api.request<DeleteObjectsResult>({
                  method: 'DELETE',
                  path: `/v1/objects/${COLLECTION_OF_KIND[only.kind]}/${encodeURIComponent(only.name)}`,
                  query: { ignoreNotFound: ignoreNotFound || undefined },
                })
              : api.request<DeleteObjectsResult>({
                  method: 'POST',
                  path: '/v1/delete',
                  body: { objects, ignoreNotFound },
                });
          },
        });
        if (options.json) {
          printJson(result);
          return EXIT.ok;
        }
        for (const o of result.objects)
          printLine(`${o.kind}/${o.name} ${o.change === 'deleted' ? 'deleted' : 'not found (ignored)'}`);
        for (const c of result.ownerChanges) printLine(ownerChangeLine(c));
        for (const c of result.decisionChanges)
          printLine(
            `certificate ${shortFingerprint(c.fingerprintSha256)}: policy ${c.policy} ${c.oldResult ?? '(none)'} -> ${c.newResult}`,
          );
        return EXIT.ok;
      }),
    );
}
