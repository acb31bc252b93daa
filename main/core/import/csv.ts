/**
 * RFC 4180 CSV, fed one physical line at a time (from readLines, so invalid UTF-8 is already
 * caught per line): fields separated by commas, quoted with ", a quote inside a quoted field
 * doubled, line breaks allowed inside quotes. Yields each record with the line it starts on.
 */

export interface CsvRecord {
  line: number;
  fields: string[];
}

export type CsvStep = { record: CsvRecord } | { error: { line: number; message: string } } | null;

export class CsvRecordReader {
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  /** True right after a closing quote: only a comma or the end of the record may follow. */
  private afterQuote = false;
  private startLine = 0;

  /** True while a quoted field continues onto the next line. */
  get open(): boolean {
    return this.inQuotes;
  }

  /** Feeds one physical line (without its line break). */
  push(text: string, line: number): CsvStep {
    if (!this.inQuotes) {
      this.startLine = line;
      this.fields = [];
      this.field = '';
      this.afterQuote = false;
    } else {
      this.field += '\n';
    }
    let i = 0;
    const n = text.length;
    while (i < n) {
      const c = text[i]!;
      if (this.inQuotes) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            this.field += '"';
            i += 2;
            continue;
          }
          this.inQuotes = false;
          this.afterQuote = true;
          i += 1;
          continue;
        }
        // Copy a run of ordinary characters at once.
        let j = text.indexOf('"', i);
        if (j < 0) j = n;
        this.field += text.slice(i, j);
        i = j;
        continue;
      }
      if (c === ',') {
        this.fields.push(this.field);
        this.field = '';
        this.afterQuote = false;
        i += 1;
        continue;
      }
      if (this.afterQuote) {
        return this.fail(line, `unexpected character ${JSON.stringify(c)} after a closing quote (a quote inside a quoted field must be doubled)`);
      }
      if (c === '"') {
        if (this.field !== '') return this.fail(line, 'a quote in the middle of an unquoted field (quote the whole field and double the quote)');
        this.inQuotes = true;
        i += 1;
        continue;
      }
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '"') j++;
      this.field += text.slice(i, j);
      i = j;
    }
    if (this.inQuotes) return null;
    this.fields.push(this.field);
    this.field = '';
    return { record: { line: this.startLine, fields: this.fields } };
  }

  /** Called at the end of the file: a quote still open is an error naming where it began. */
  end(): CsvStep {
    if (!this.inQuotes) return null;
    this.inQuotes = false;
    return { error: { line: this.startLine, message: 'a quoted field is never closed' } };
  }

  private fail(line: number, message: string): CsvStep {
    this.inQuotes = false;
    this.fields = [];
    this.field = '';
    return { error: { line, message } };
  }
}
