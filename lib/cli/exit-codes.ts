/** Process exit codes, documented in every command's --help. */
export const EXIT_OK = 0;
/** Bad input in fail mode, an unreadable input, or a failed output or sink. */
export const EXIT_FAILURE = 1;
/** Invalid command-line usage: unknown option, bad option value. */
export const EXIT_USAGE = 2;
/** Stopped by SIGINT (Ctrl-C) after flushing open state. */
export const EXIT_SIGINT = 130;
/** Stopped by SIGTERM after flushing open state. */
export const EXIT_SIGTERM = 143;

export const EXIT_CODES_HELP = `
Exit codes:
  0    success; also when the reader of stdout closed it early (for example head)
  1    failure: invalid input with --on-error fail, unreadable input, or a failed output
  2    invalid usage: unknown option or invalid option value
  130  stopped by SIGINT (Ctrl-C), after writing the results still open
  143  stopped by SIGTERM, after writing the results still open`;
