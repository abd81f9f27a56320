/** Documented exit codes (README "Exit codes"). */
export const EXIT_OK = 0;
/** At least one finding at error severity (or more warnings than --max-warnings). */
export const EXIT_FINDINGS = 1;
/** Usage, config, unreadable input, or an internal error. */
export const EXIT_USAGE = 2;
