// Fractional numbers of the definition as the daemons read them: decimal text. A binary
// floating-point number has no exact decimal form in general, and JavaScript writes the shortest
// text that reads back as the same number: 0.1 + 0.2 is written 0.30000000000000004, which
// keepalived 2.2.7 refuses ("has too many decimal places"). A value is therefore held, when it is
// read, to the decimal places its field allows (FieldReader.number): a number that needs no more
// places than that is written as the decimal the user wrote (String(0.3) is "0.3").

/** The decimal places of a number's shortest decimal text: 0.3 → 1, 0.30000000000000004 → 17, 1e-7 → 7, 255 → 0. */
export function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = String(Math.abs(value)).split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}
