/**
 * The extension's settings: ONE schema (this file). package.json `contributes.configuration`
 * must list exactly these properties (test/lsp/settings-schema.test.ts checks it), and the server
 * reads and validates them here.
 *
 * Severity names follow VS Code (`information`); the core calls it `info`.
 */
import { RULES, RULE_IDS } from '../core/rules/index.ts';
import type { AnalysisOptions, ApiModelSetting, ModelChoice, RuleId, Severity } from '../core/types.ts';

export const SETTINGS_SECTION = 'gupReview';

export const API_MODEL_VALUES = ['auto', 'put_user_page', 'unpin_user_page'] as const;
export const RULE_SEVERITY_VALUES = ['off', 'hint', 'information', 'warning', 'error'] as const;
export const TRACE_VALUES = ['off', 'messages', 'verbose'] as const;

export type RuleSeveritySetting = (typeof RULE_SEVERITY_VALUES)[number];

/** JSON schema of every setting, keyed by full setting name, as package.json carries it. */
export const SETTINGS_SCHEMA = {
  'gupReview.apiModel': {
    type: 'string',
    scope: 'resource',
    enum: [...API_MODEL_VALUES],
    default: 'auto',
    enumDescriptions: [
      "Per file: the nearest kernel tree's include/linux/mm.h decides (declares unpin_user_page → upstream); without a tree, the file itself (pin_user_pages*, unpin_user_page*, FOLL_PIN → upstream).",
      'The 2019 put_user_page model (RFC, Linux 5.2–5.5): every get_user_pages* acquisition is released with put_user_page*().',
      'The upstream model (Linux 5.6 and later): pin_user_pages* pairs with unpin_user_page*, get_user_pages* with put_page().',
    ],
    markdownDescription:
      'Which release pairs with which acquisition. `auto` chooses per file; the language status item shows the model in force and why.',
  },
  'gupReview.rules': {
    type: 'object',
    scope: 'resource',
    default: {},
    additionalProperties: false,
    properties: Object.fromEntries(
      RULES.map((r) => [
        r.id,
        {
          type: 'string',
          enum: [...RULE_SEVERITY_VALUES],
          markdownDescription: `${r.title}. Default: \`${toSettingSeverity(r.defaultSeverity)}\`.`,
        },
      ]),
    ),
    markdownDescription:
      'Severity per rule id (`off`, `hint`, `information`, `warning`, `error`); rules not listed keep their default.',
  },
  'gupReview.maxFileSize': {
    type: 'number',
    scope: 'resource',
    default: 4,
    minimum: 0,
    markdownDescription:
      'Files larger than this many MB are not analysed (the status item says so); `0`: no limit. The largest `.c` file of Linux 6.1 is 1.7 MB.',
  },
  'gupReview.analysisTimeBudget': {
    type: 'number',
    scope: 'resource',
    default: 3000,
    minimum: 0,
    markdownDescription:
      'Milliseconds one analysis may take. A file whose analysis took longer is not analysed again while it is edited (the status item says so) until it is reopened or the settings change; `0`: no budget.',
  },
  'gupReview.trace.server': {
    type: 'string',
    scope: 'window',
    enum: [...TRACE_VALUES],
    default: 'off',
    description: 'Traces the communication between VS Code and the gup-review language server (Output view).',
  },
} as const;

/** The settings as the server uses them, after validation. */
export interface ServerSettings {
  apiModel: ApiModelSetting;
  rules: Partial<Record<RuleId, Severity>>;
  /** gupReview.maxFileSize in MB, when set (default in analysis-limits.ts). */
  maxFileSize?: number;
  /** gupReview.analysisTimeBudget in ms, when set (default in analysis-limits.ts). */
  analysisTimeBudget?: number;
  /** Human-readable problems with the raw settings (shown in the status item, never a pop-up). */
  problems: string[];
}

export const DEFAULT_SETTINGS: ServerSettings = { apiModel: 'auto', rules: {}, problems: [] };

export function toCoreSeverity(s: RuleSeveritySetting): Severity {
  return s === 'information' ? 'info' : s;
}

export function toSettingSeverity(s: Severity): RuleSeveritySetting {
  return s === 'info' ? 'information' : s;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates the `gupReview` section as returned by workspace/configuration. Unknown or invalid
 * values fall back to the default and are reported in `problems`. Accepts the core spelling
 * `info` too, since CLI users type it.
 */
export function parseSettings(raw: unknown): ServerSettings {
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { ...DEFAULT_SETTINGS, problems };
  if (!isObject(raw))
    return { ...DEFAULT_SETTINGS, problems: ['gupReview settings are not an object; using defaults'] };
  let apiModel: ApiModelSetting = 'auto';
  if (raw.apiModel !== undefined) {
    if ((API_MODEL_VALUES as readonly unknown[]).includes(raw.apiModel)) apiModel = raw.apiModel as ApiModelSetting;
    else problems.push(`gupReview.apiModel: unknown value ${JSON.stringify(raw.apiModel)}; using auto`);
  }
  const rules: Partial<Record<RuleId, Severity>> = {};
  if (raw.rules !== undefined && raw.rules !== null) {
    if (!isObject(raw.rules)) problems.push('gupReview.rules must be an object of rule id → severity');
    else {
      for (const [id, sev] of Object.entries(raw.rules)) {
        if (!(RULE_IDS as readonly string[]).includes(id)) {
          problems.push(`gupReview.rules: unknown rule "${id}"`);
          continue;
        }
        if (sev === 'info' || (RULE_SEVERITY_VALUES as readonly unknown[]).includes(sev)) {
          rules[id as RuleId] = toCoreSeverity(sev as RuleSeveritySetting);
        } else problems.push(`gupReview.rules.${id}: unknown severity ${JSON.stringify(sev)}; using the default`);
      }
    }
  }
  const limits: Pick<ServerSettings, 'maxFileSize' | 'analysisTimeBudget'> = {};
  for (const key of ['maxFileSize', 'analysisTimeBudget'] as const) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) limits[key] = v;
    else problems.push(`gupReview.${key}: expected a number ≥ 0, not ${JSON.stringify(v)}; using the default`);
  }
  return { apiModel, rules, ...limits, problems };
}

/** Core analysis options for one document under these settings, in the model decided for it. */
export function analysisOptions(settings: ServerSettings, model: ModelChoice): AnalysisOptions {
  return { model, rules: settings.rules };
}
