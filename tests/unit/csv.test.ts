// CSV formatting rules from the contract.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'csv-stringify/sync';
import { DECIMAL_COMMA, formatCell, formatNumber, STANDARD, toCsv, toCsvRows, type Cell } from '../../src/io/csv.js';

describe('numbers', () => {
  it.each([
    [0.1 + 0.2, '0.3'], // no floating-point noise
    [1e21, '1000000000000000000000'], // no exponent
    [1e-7, '0'], // below a tonne in Mt rounds away
    [-1e-9, '0'], // never "-0"
    [4.5, '4.5'],
    [2, '2'],
    [1234567.1234567, '1234567.123457'], // 6 places, no thousands separator
    [NaN, ''],
  ])('%s → %s', (x, s) => expect(formatNumber(x)).toBe(s));

  it('uses a decimal comma when asked', () => expect(formatNumber(4.25, ',')).toBe('4,25'));

  it('writes what toFixed(6) with its trailing zeros cut writes, for any finite number (whole numbers take a shortcut)', () => {
    // The rule as first written: toFixed (BigInt from 1e21 on), trailing zeros and point cut by regexes, "-0" as "0".
    const reference = (x: number, decimal: '.' | ',') => {
      let t = Math.abs(x) >= 1e21 ? BigInt(x).toString() : x.toFixed(6);
      if (t.includes('.')) t = t.replace(/0+$/, '').replace(/\.$/, '');
      if (t === '-0') t = '0';
      return decimal === ',' ? t.replace('.', ',') : t;
    };
    const xs = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer().map((i) => i * 1000), fc.constantFrom(0, -0, 2 ** 53, 2 ** 53 + 2, -(2 ** 60), 1.2345678901234568e20, 0.5e-6, -0.4e-6, 1999.9999996));
    const decimal = fc.constantFrom<'.' | ','>('.', ',');
    fc.assert(
      fc.property(xs, decimal, (x, d) => {
        expect(formatNumber(x, d), String(x)).toBe(reference(x, d));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('tables', () => {
  const table = { file: 'x.csv', header: ['id', 'value', 'binding'], rows: [['=cmd()', 0.5, true], ['+1', 2, false], ['Достык', 1.25, null]] };

  it('writes booleans as true/false, empty for missing, and disarms formulas', () => {
    expect(toCsv(table)).toBe("id,value,binding\n'=cmd(),0.5,true\n'+1,2,false\nДостык,1.25,\n");
  });

  it('decimal-comma dialect: BOM, semicolons, decimal commas; Cyrillic survives a round trip', () => {
    const text = toCsv(table, DECIMAL_COMMA);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const bytes = Buffer.from(text, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const back = bytes.toString('utf8').replace(/^\uFEFF/, '').trim().split('\n').map((l) => l.split(';'));
    expect(back[3]).toEqual(['Достык', '1,25', '']);
    expect(back[1]).toEqual(["'=cmd()", '0,5', 'true']);
  });
});

describe('rows written without the library', () => {
  it('are what csv-stringify writes, on random rows in both dialects', () => {
    // Text from characters that matter to quoting and formula guards, numbers of every kind, booleans, missing cells.
    const char = fc.constantFrom('a', 'Z', '0', ' ', '.', '_', 'ä', 'Д', '=', '+', '-', '@', '\t', '\r', '\n', '"', ',', ';', "'", '\uFF1D', '\uFF0D');
    const text = fc.array(char, { maxLength: 6 }).map((cs) => cs.join(''));
    const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-0, -1.5, 2027, 1e21));
    const cell: fc.Arbitrary<Cell> = fc.oneof(text, number, fc.boolean(), fc.constantFrom(null, undefined));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 5 }), fc.constantFrom(STANDARD, DECIMAL_COMMA), (rows, dialect) => {
        const library = stringify(rows, {
          delimiter: dialect.delimiter,
          escape_formulas: true,
          record_delimiter: 'unix',
          cast: { number: (x: number) => formatCell(x, dialect.decimal), boolean: (b: boolean) => formatCell(b) },
        });
        expect(toCsvRows(rows, dialect)).toBe(library);
      }),
      { numRuns: 2000 },
    );
  });
});
