/**
 * The regular expressions an adapter_config.json carries (a string `target_modules`, the keys of `rank_pattern`
 * and `alpha_pattern`) are untrusted input run against every module name. A backtracking engine can spend
 * seconds to years on one of them (`(.|.)*#`), and a timer cannot interrupt a JavaScript regex, so they run on
 * re2js: linear in the name's length whatever the pattern. Python `re` syntax that RE2 lacks (lookaround,
 * backreferences) is refused rather than approximated.
 */
import { RE2JS } from 're2js';
import { adapterError } from './adapter-error.ts';

/** PEFT's own patterns are a few dozen characters; a cap keeps compiled programs small. */
export const MAX_PATTERN_LENGTH = 512;
/** More keys than a model has modules cannot mean anything. */
export const MAX_PATTERN_KEYS = 4096;

export interface ModulePattern {
  /** Python `re.fullmatch`. */
  fullMatch(name: string): boolean;
  /** Python `re.match`: anchored at the start only. */
  matchAtStart(name: string): boolean;
}

export function compilePattern(source: string, field: string): ModulePattern {
  if (source.length > MAX_PATTERN_LENGTH)
    throw adapterError(
      `${field} is a pattern ${source.length} characters long; at most ${MAX_PATTERN_LENGTH} are accepted.`,
    );
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source);
  } catch (error) {
    throw adapterError(
      `${field} ${JSON.stringify(source.slice(0, 80))} is not a regular expression this engine runs (${(error as Error).message}); use plain module names or simple patterns.`,
    );
  }
  return {
    fullMatch: (name) => compiled.matcher(name).matches(),
    matchAtStart: (name) => compiled.matcher(name).lookingAt(),
  };
}

/**
 * PEFT picks a rank/alpha pattern key with `re.match(rf"(.*\.)?({key})$", module)`: the key is one group,
 * matched at the start and running to the end of the name.
 */
export function compilePatternKey(key: string, field: string): ModulePattern {
  if (key.length > MAX_PATTERN_LENGTH)
    throw adapterError(
      `a ${field} key is ${key.length} characters long; at most ${MAX_PATTERN_LENGTH} are accepted.`,
    );
  const field_ = `${field} key ${JSON.stringify(key.slice(0, 80))}`;
  compilePattern(key, field_); // alone first: a key must be a pattern by itself, not close the wrapper's group
  return compilePattern(`(.*\\.)?(${key})$`, field_);
}
