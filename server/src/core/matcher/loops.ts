import type { Node } from '../parser.ts';

/** Every for/while/do loop in a function body. */
export function collectLoops(body: Node): Node[] {
  return body
    .descendantsOfType(['for_statement', 'while_statement', 'do_statement'])
    .filter((n): n is Node => n !== null);
}
