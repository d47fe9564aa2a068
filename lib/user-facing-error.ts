// The base of every error the user can act on (a bad definition or option, what the host lacks,
// a state folder that is not the lab's, a command that failed on a machine): the CLI prints its
// message alone. Any other error is a bug in hafarm and keeps its stack.
export class UserFacingError extends Error {
  /** the exit status of a command this error ends */
  readonly exitCode: number = 1;
}
