// The lines of a run in Spanish that still hold English of hafarm's own: what --lang es must not
// leave (issue 29: "every message of the checks translated, not half"). What hafarm quotes is
// not its own and stays as it was: text in quotes or backticks, a log line a daemon wrote, a
// packet as tcpdump describes it, a command line, HAProxy's words (UP, DOWN, round robin).

/** Words that are English and never Spanish, as hafarm's sentences use them. */
const ENGLISH = [
  'the',
  'and',
  'with',
  'without',
  'from',
  'after',
  'before',
  'within',
  'while',
  'which',
  'every',
  'each',
  'requests?',
  'answered',
  'answer',
  'pass',
  'passed',
  'fail',
  'failed',
  'holds?',
  'powered',
  'took',
  'server',
  'servers',
  'balancer',
  'seconds',
  'packets?',
  'not',
  'run',
  'none',
  'note',
  'report',
  'check',
  'lacks',
  'still',
  'back',
  'link',
  // Heartbeat is a name, and the heartbeat network's; its English plural is hafarm's own
  'heartbeats',
  'where',
  'when',
  'until',
  'only',
];
const WORD = new RegExp(`\\b(${ENGLISH.join('|')})\\b`, 'i');

/** What is quoted in a line, taken out: "…", `…`, and what follows a quoting colon of a log or a packet. */
function ownWords(line: string): string {
  return (
    line
      .replace(/"[^"]*"/g, ' ')
      .replace(/`[^`]*`/g, ' ')
      .replace(/«[^»]*»/g, ' ')
      // a log line or a packet quoted after the file or the time it came from
      .replace(/\/var\/log\/\S+.*$/, ' ')
      .replace(/\b\d\d:\d\d:\d\d(\.\d+)?\b.*$/, ' ')
      // a command line, then a path
      .replace(/(npm run|apt-get|VBoxManage)( \S+)*/g, ' ')
      .replace(/\/\S*/g, ' ')
      // HAProxy's own words and settings
      .replace(/\b(round robin|cookie \S+ (insert|prefix|rewrite)|timeout client|balance \S+)\b/gi, ' ')
  );
}

/** The lines whose own words (what hafarm itself says) hold English. */
export function englishLeft(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => WORD.test(ownWords(line)));
}
