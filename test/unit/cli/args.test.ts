import { durationOption, intOption, parseArgs, rejectUnknown, stringOption } from '../../../src/cli/args.js';

describe('argument parsing', () => {
  test('options take the next word or an = value; bare switches are true', () => {
    const args = parseArgs(['up', '--name', 'a', '--ordinary=3', '--verbose', 'file.json', '--', '--not-an-option'], ['verbose']);
    expect(args.positional).toEqual(['up', 'file.json', '--not-an-option']);
    expect(stringOption(args, 'name')).toBe('a');
    expect(intOption(args, 'ordinary')).toBe(3);
    expect(args.options.get('verbose')).toBe(true);
  });

  test.each([
    [['--ordinary', 'x'], 'ordinary', '--ordinary must be a whole number >= 0, got "x"'],
    [['--ordinary=-1'], 'ordinary', '--ordinary must be a whole number >= 0, got "-1"'],
    [['--ordinary'], 'ordinary', '--ordinary needs a value'],
  ])('%j is refused', (argv, name, message) => {
    expect(() => intOption(parseArgs(argv), name)).toThrow(message);
  });

  test('unknown options are named', () => {
    expect(() => rejectUnknown(parseArgs(['--nmae', 'x']), ['name'])).toThrow('unknown option --nmae');
  });

  test.each([
    ['10h', 36_000_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['0', 0],
  ])('duration %s is %d ms', (text, ms) => {
    expect(durationOption(parseArgs([`--period=${text}`]), 'period')).toBe(ms);
  });

  test.each(['10', '1d', 'h', '-1h', '10h junk', ''])('duration %j is refused', (text) => {
    expect(() => durationOption(parseArgs([`--period=${text}`]), 'period')).toThrow('--period must be a duration such as 10h, 30m or 90s');
  });
});
