/**
 * A reader that stops early (`csdl-gateway tx show ID | head`) closes the pipe under the
 * command: the next write fails with EPIPE, emitted as an 'error' event that would otherwise
 * end the process with a stack trace. As git does, the command ends there, quietly, with the
 * status a shell gives a process ended by SIGPIPE (128 + 13): nobody is left to read the rest.
 */
export const CLOSED_PIPE_EXIT = 141;

export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void = (code) => process.exit(code)): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') exit(CLOSED_PIPE_EXIT);
    else throw err;
  });
}
