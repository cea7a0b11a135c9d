/** The app's log lines, kept from the real logger (startTestApp's `logStream` option), and read as records. */
export type LogRecord = Record<string, any>;

export function logCapture() {
  let output = '';
  return {
    stream: { write: (line: string) => void (output += line) },
    text: () => output,
    records: (): LogRecord[] =>
      output
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogRecord),
  };
}
