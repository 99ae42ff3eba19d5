/**
 * Reader/writer for InterSystems IRIS (and Caché) configuration parameter files:
 * `iris.cpf` and the partial CPFs used as configuration merge files
 * (`ISC_CPF_MERGE_FILE`, `iris merge`).
 *
 * The document keeps every line with its own line break, so `formatCpf(parseCpf(t)) === t`
 * and an edit touches only the lines it must. Hardening edits a file that IRIS and its
 * administrators also edit; rewriting the whole file would lose their comments and layout.
 *
 * Grammar (CPF Format, Configuration Parameter File Reference): each line is blank, a comment
 * (`;`, `#` or `//`, or a `/* ... *\/` block), a section heading `[Name]`, or `key=value` split
 * at the first `=`. Spaces at the start and end of a line carry no meaning; inside a line they do,
 * so keys such as `%JDBC Server` keep theirs. In the `[Actions]` section of a merge file a line is
 * `Operation:Name=Value,...` instead.
 *
 * A comment may also follow content on a line (the current CPF reference): a `;`, `#` or `//`
 * preceded by whitespace, outside double quotes, starts it. Without whitespace before them the
 * same characters are part of the value, as real values need (`IRIS://host:1972/NS` URLs,
 * `addr1,port1;addr2,port2` license lists, `[SQL] IdTrxFrom`, Windows paths). The comment is kept
 * on the line, and `setValue` keeps it when it rewrites the value.
 *
 * Section and key names are looked up case-insensitively (InterSystems' own merge examples write
 * `[Config]` and `%service_ecp`); what is written keeps the file's own spelling.
 * A merge file may repeat sections and parameters and the one nearest the end wins, so
 * `getValue` returns the last occurrence and `setValue` changes that one.
 */

import { irisCpfSections } from "../catalog";

export type LineBreak = "\r\n" | "\n" | "";

interface LineBase {
    /** The line without its line break. */
    readonly text: string;
    /** "" only on a last line that has no final newline. */
    readonly eol: LineBreak;
}

export interface CpfProperty {
    readonly name: string;
    /** Verbatim, quotes included (`"FHIR database"`). */
    readonly value: string;
}

export type CpfLine =
    | (LineBase & { readonly kind: "blank" | "comment" })
    | (LineBase & { readonly kind: "section"; readonly name: string })
    | (LineBase & { readonly kind: "parameter"; readonly key: string; readonly value: string; readonly comment?: string })
    | (LineBase & {
          readonly kind: "action";
          readonly operation: string;
          readonly properties: readonly CpfProperty[];
          readonly comment?: string;
      });

export type CpfEntry = Extract<CpfLine, { kind: "parameter" | "action" }> & {
    /** 1-based line number. */
    readonly line: number;
};

export interface CpfSection {
    readonly name: string;
    /** 1-based line number of the heading. */
    readonly line: number;
    readonly entries: readonly CpfEntry[];
}

export interface CpfDocument {
    /** Names the input in error messages, usually its path. */
    readonly source: string;
    /** Every line in file order; edits replace elements of this array. */
    readonly lines: CpfLine[];
}

export class CpfSyntaxError extends Error {
    constructor(
        readonly source: string,
        /** 1-based. */
        readonly line: number,
        readonly text: string,
        reason: string,
    ) {
        super(`${source}:${line}: ${reason}: ${JSON.stringify(text)}`);
        this.name = "CpfSyntaxError";
    }
}

const ACTIONS = irisCpfSections.actions;
const COMMENT = /^(;|#|\/\/)/;
const HEADING = /^\[([^\]]+)\]$/;
const OPERATION = /^[A-Za-z][A-Za-z0-9]*$/;
const PROPERTY_START = /^[A-Za-z][A-Za-z0-9]*=/;

/** A line outside the grammar; parseCpf adds the source and line number. */
class LineError extends Error {}

export function parseCpf(text: string, options: { source?: string } = {}): CpfDocument {
    const source = options.source ?? "input";
    const lines: CpfLine[] = [];
    let section: string | undefined;
    let blockCommentStart: number | undefined;

    for (const { text: raw, eol } of splitLines(text)) {
        const number = lines.length + 1;
        if (raw.includes("\0")) throw new CpfSyntaxError(source, number, raw, "NUL byte");
        const body = raw.trim();
        const opensBlock = blockCommentStart === undefined && body.startsWith("/*");
        if (blockCommentStart !== undefined || opensBlock) {
            const closed = body.includes("*/", opensBlock ? 2 : 0);
            blockCommentStart = closed ? undefined : (blockCommentStart ?? number);
            lines.push({ kind: "comment", text: raw, eol });
            continue;
        }
        try {
            const line = classify(raw, eol, section);
            if (line.kind === "section") section = line.name;
            lines.push(line);
        } catch (error) {
            if (error instanceof LineError) throw new CpfSyntaxError(source, number, raw, error.message);
            throw error;
        }
    }
    if (blockCommentStart !== undefined) {
        const opening = lines[blockCommentStart - 1].text;
        throw new CpfSyntaxError(source, blockCommentStart, opening, "unterminated /* comment");
    }
    return { source, lines };
}

export function formatCpf(doc: CpfDocument): string {
    return doc.lines.map((line) => line.text + line.eol).join("");
}

/** Every section occurrence in file order; a repeated heading yields one element per occurrence. */
export function sections(doc: CpfDocument): CpfSection[] {
    const result: { name: string; line: number; entries: CpfEntry[] }[] = [];
    doc.lines.forEach((line, index) => {
        if (line.kind === "section") result.push({ name: line.name, line: index + 1, entries: [] });
        else if (line.kind === "parameter" || line.kind === "action") {
            result[result.length - 1].entries.push({ ...line, line: index + 1 });
        }
    });
    return result;
}

/** The value IRIS would use: the last `key=` line in any `[section]` occurrence. */
export function getValue(doc: CpfDocument, section: string, key: string): string | undefined {
    const index = findParameter(doc, section, key);
    const line = index === undefined ? undefined : doc.lines[index];
    return line?.kind === "parameter" ? line.value : undefined;
}

/**
 * Sets `key=value` in `[section]`, editing the document in place: rewrites the line that
 * `getValue` reads; otherwise appends after the last parameter of the last `[section]`;
 * otherwise appends the section at the end of the file. New lines use the file's line break.
 */
export function setValue(doc: CpfDocument, section: string, key: string, value: string): void {
    if (sameName(section, ACTIONS)) throw new Error(`[${ACTIONS}] holds operations, not key=value parameters`);
    const existing = findParameter(doc, section, key);
    if (existing !== undefined) {
        const old = doc.lines[existing] as Extract<CpfLine, { kind: "parameter" }>;
        const indent = old.text.slice(0, old.text.length - old.text.trimStart().length);
        const comment = old.comment ?? "";
        const entry = readBack(`${old.key}=${value}${comment}`, section, (l) => l.kind === "parameter" && l.key === old.key && l.value === value);
        doc.lines[existing] = { ...entry, text: indent + entry.text, eol: old.eol };
        return;
    }
    const entry = readBack(`${key}=${value}`, section, (l) => l.kind === "parameter" && l.key === key && l.value === value);
    const heading = lastIndexWhere(doc.lines, (l) => l.kind === "section" && sameName(l.name, section));
    if (heading >= 0) {
        let last = heading;
        for (let i = heading + 1; i < doc.lines.length && doc.lines[i].kind !== "section"; i++) {
            if (doc.lines[i].kind === "parameter") last = i;
        }
        insertLines(doc, last + 1, [entry]);
        return;
    }
    const newHeading = readBack(`[${section}]`, undefined, (l) => l.kind === "section" && l.name === section);
    const previous = doc.lines[doc.lines.length - 1];
    const separator: CpfLine[] = previous && previous.kind !== "blank" ? [{ kind: "blank", text: "", eol: "" }] : [];
    insertLines(doc, doc.lines.length, [...separator, newHeading, entry]);
}

/** Whether two section or key names are the same name to IRIS (case-insensitive). */
export function sameName(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
}

function findParameter(doc: CpfDocument, section: string, key: string): number | undefined {
    let current: string | undefined;
    let found: number | undefined;
    doc.lines.forEach((line, index) => {
        if (line.kind === "section") current = line.name;
        else if (line.kind === "parameter" && current !== undefined && sameName(current, section) && sameName(line.key, key)) found = index;
    });
    return found;
}

/** Classifies a line about to be written, refusing text that a reader would take differently. */
function readBack(text: string, section: string | undefined, asIntended: (line: CpfLine) => boolean): CpfLine {
    let line: CpfLine | undefined;
    try {
        if (!/[\r\n\0]/.test(text)) line = classify(text, "", section);
    } catch (error) {
        if (!(error instanceof LineError)) throw error;
    }
    if (line === undefined || !asIntended(line)) {
        throw new Error(`${JSON.stringify(text)} would not read back as written`);
    }
    return line;
}

/** Inserts lines at `index` with the document's line break, keeping a missing final newline missing. */
function insertLines(doc: CpfDocument, index: number, added: CpfLine[]): void {
    const nl = doc.lines.find((line) => line.eol !== "")?.eol ?? "\n";
    const afterUnterminatedEnd = index === doc.lines.length && index > 0 && doc.lines[index - 1].eol === "";
    if (afterUnterminatedEnd) doc.lines[index - 1] = { ...doc.lines[index - 1], eol: nl };
    const last = added.length - 1;
    doc.lines.splice(index, 0, ...added.map((line, i) => ({ ...line, eol: afterUnterminatedEnd && i === last ? "" : nl })));
}

function classify(raw: string, eol: LineBreak, section: string | undefined): CpfLine {
    const body = raw.trim();
    if (body === "") return { kind: "blank", text: raw, eol };
    if (COMMENT.test(body)) return { kind: "comment", text: raw, eol };
    if (body.startsWith("[")) {
        const heading = HEADING.exec(body);
        if (!heading) throw new LineError("malformed section heading");
        return { kind: "section", name: heading[1], text: raw, eol };
    }
    if (section === undefined) throw new LineError("parameter before the first section heading");
    const { content, comment } = splitTrailingComment(body);
    const trailing = comment === undefined ? {} : { comment };
    if (sameName(section, ACTIONS)) {
        const colon = content.indexOf(":");
        const operation = content.slice(0, colon);
        if (colon < 0 || !OPERATION.test(operation)) throw new LineError(`expected Operation:Name=Value,... in [${ACTIONS}]`);
        return { kind: "action", operation, properties: parseProperties(content.slice(colon + 1)), ...trailing, text: raw, eol };
    }
    const equals = content.indexOf("=");
    if (equals < 0) throw new LineError("expected key=value");
    if (equals === 0) throw new LineError("empty parameter name");
    return { kind: "parameter", key: content.slice(0, equals), value: content.slice(equals + 1), ...trailing, text: raw, eol };
}

/** Splits a trailing comment (whitespace, then `;`, `#` or `//`, outside double quotes) off a line's content. */
function splitTrailingComment(body: string): { content: string; comment?: string } {
    let quoted = false;
    for (let i = 1; i < body.length; i++) {
        if (body[i] === '"') quoted = !quoted;
        else if (!quoted && /\s/.test(body[i - 1]) && (body[i] === ";" || body[i] === "#" || body.startsWith("//", i))) {
            const content = body.slice(0, i).trimEnd();
            return { content, comment: body.slice(content.length) };
        }
    }
    return { content: body };
}

/**
 * Splits `Name=Value,...` at the commas that start another `Name=`: values may hold commas
 * themselves (`PasswordHash=hash,salt,10000,SHA512`), or quote them (`Description="a, b"`,
 * where `""` is a literal quote).
 */
function parseProperties(list: string): CpfProperty[] {
    if (list === "") return [];
    if (!PROPERTY_START.test(list)) throw new LineError("expected Name=Value after the operation");
    const pieces: string[] = [];
    let quoted = false;
    let start = 0;
    for (let i = 0; i < list.length; i++) {
        if (list[i] === '"') quoted = !quoted;
        else if (list[i] === "," && !quoted && PROPERTY_START.test(list.slice(i + 1))) {
            pieces.push(list.slice(start, i));
            start = i + 1;
        }
    }
    if (quoted) throw new LineError("unterminated quoted string");
    pieces.push(list.slice(start));
    return pieces.map((piece) => {
        const equals = piece.indexOf("=");
        return { name: piece.slice(0, equals), value: piece.slice(equals + 1) };
    });
}

function splitLines(text: string): { text: string; eol: LineBreak }[] {
    const result: { text: string; eol: LineBreak }[] = [];
    const breaks = /\r?\n/g;
    let start = 0;
    for (let match = breaks.exec(text); match; match = breaks.exec(text)) {
        result.push({ text: text.slice(start, match.index), eol: match[0] as LineBreak });
        start = breaks.lastIndex;
    }
    if (start < text.length) result.push({ text: text.slice(start), eol: "" });
    return result;
}

function lastIndexWhere<T>(items: readonly T[], predicate: (item: T) => boolean): number {
    for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i])) return i;
    return -1;
}
