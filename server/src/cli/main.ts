/**
 * The `gup-review` command (bundled to dist/cli.js). Also the entry of the check worker threads,
 * which start this same file.
 */
import * as fs from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { RULE_IDS, SEVERITIES } from '../core/rules/index.ts';
import { runCheck, type CheckCommandOptions, type CommandIo } from './check-command.ts';
import { runDecode, type DecodeCommandOptions } from './decode-command.ts';
import { errorLine, UsageError } from './errors.ts';
import { FORMATS, FORMAT_NAMES } from './formats/index.ts';
import { TOOL_NAME, TOOL_VERSION } from './package-info.ts';
import { runInventory, type InventoryCommandOptions } from './inventory-command.ts';
import { runTrace, type TraceCommandOptions } from './trace-command.ts';
import { isCheckWorker, runCheckWorker } from './worker-pool.ts';

function defaultIo(): CommandIo {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    readStdin: () => fs.readFileSync(0),
    color: !!process.stdout.isTTY && !noColor,
    cwd: process.cwd(),
  };
}

export function buildProgram(io: CommandIo, setExit: (code: number) => Promise<void> | void): Command {
  const program = new Command(TOOL_NAME)
    .description(
      'Review Linux kernel code that takes and releases user pages (get_user_pages*/pin_user_pages*), and decode page refcounts.',
    )
    .version(TOOL_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: () => {},
    });

  program
    .command('check')
    .description('check C files, directories (.c and .h, recursively), patches and mails; - reads stdin')
    .argument('<path...>', 'files, directories, patches (.patch .diff .mbox .eml), or - for stdin')
    .addOption(
      new Option('--api <model>', 'API model: auto picks per file')
        .choices(['auto', 'put_user_page', 'unpin_user_page'])
        .default('auto'),
    )
    .addOption(
      new Option('--format <format>', FORMATS.map((f) => `${f.name}: ${f.description}`).join('; '))
        .choices([...FORMAT_NAMES])
        .default('text'),
    )
    .addOption(
      new Option('--fix', 'apply the preferred fixes to the files (atomically), then report what is left').conflicts(
        'diff',
      ),
    )
    .addOption(new Option('--diff', 'print the fixes as a unified diff and change nothing').conflicts('fix'))
    .option(
      '--rule <id=severity>',
      `set a rule's severity (repeatable); rules: ${RULE_IDS.join(', ')}; severities: ${SEVERITIES.join(', ')}`,
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--tree <dir>', 'kernel tree to apply patches to for full context')
    .option('--verbose', 'also print where the analysis stayed quiet and why, and the API model per file')
    .addOption(
      new Option('-j, --jobs <n>', 'threads, the main one included (default: one per core, for runs of 400+ files)'),
    )
    .option(
      '--max-file-size <size>',
      'do not check inputs larger than this (bytes, or with K, M, G); reported, exit 2; 0 = no limit',
      '4M',
    )
    .option(
      '--full-parse',
      'parse whole files, not only the functions that take, release or wrap pages (slower; same findings)',
    )
    .action(async (paths: string[], opts: CheckCommandOptions) => {
      await setExit(await runCheck(paths, opts, io));
    });

  program
    .command('inventory')
    .description(
      'one row per get_user_pages*/pin_user_pages* site: family, flags, where its pages go, whether every path releases them, findings; totals per subsystem',
    )
    .argument('<path...>', 'files and directories (.c and .h, recursively)')
    .addOption(
      new Option('--api <model>', 'API model: auto picks per file')
        .choices(['auto', 'put_user_page', 'unpin_user_page'])
        .default('auto'),
    )
    .addOption(
      new Option('--format <format>', 'text, json, csv, or html (one self-contained page)')
        .choices(['text', 'json', 'csv', 'html'])
        .default('text'),
    )
    .addOption(new Option('-j, --jobs <n>', 'threads, the main one included (default: one per core)'))
    .option('--max-file-size <size>', 'do not read inputs larger than this (bytes, or with K, M, G)', '4M')
    .action(async (paths: string[], opts: InventoryCommandOptions) => {
      await setExit(await runInventory(paths, opts, io));
    });

  program
    .command('trace')
    .description(
      "where the pages of the acquisition on FILE:LINE go: every release (other functions' and files' too), right or wrong, and hand-offs",
    )
    .argument('<file:line>', 'an acquisition (or a release) in a C file; its directory is the module')
    .addOption(
      new Option('--api <model>', 'API model: auto picks per file')
        .choices(['auto', 'put_user_page', 'unpin_user_page'])
        .default('auto'),
    )
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(async (target: string, opts: TraceCommandOptions) => {
      await setExit(await runTrace(target, opts, io));
    });

  program
    .command('decode')
    .description(
      'decode page refcount values with GUP_PIN_COUNTING_BIAS: 1027, 0x400, -1, refcount:2050, a dump_page line, or a C expression',
    )
    .argument('<value...>', 'values to decode (quote dump_page lines and expressions)')
    .option('--json', 'print JSON (an object for one value, an array for several)')
    .option('--bias <n>', 'GUP_PIN_COUNTING_BIAS (default 1024)')
    .addOption(
      new Option('--api <model>', 'era: unpin_user_page (5.7+), put_user_page (2019 RFC, 5.2–5.6)')
        .choices(['put_user_page', 'unpin_user_page'])
        .default('unpin_user_page'),
    )
    .action(async (values: string[], opts: DecodeCommandOptions) => {
      await setExit(runDecode(values, opts, io));
    });

  return program;
}

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CommandIo = defaultIo()): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  if (argv.length === 0) {
    io.stderr(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return 0;
      io.stderr(errorLine(e.message.replace(/^error:\s*/, '')) + '\n');
      return 2;
    }
    if (e instanceof UsageError) {
      io.stderr(errorLine(e.message) + '\n');
      return 2;
    }
    io.stderr(errorLine(`internal error: ${(e as Error).stack ?? String(e)}`.split('\n')[0]!) + '\n');
    if (process.env.GUP_REVIEW_DEBUG) io.stderr(`${(e as Error).stack}\n`);
    return 70;
  }
}

if (isCheckWorker()) {
  runCheckWorker();
} else if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
