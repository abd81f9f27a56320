/**
 * node-sql-parser AST -> StatementTemplate (MySQL, MariaDB, SQLite). Names are lower-cased:
 * these dialects compare column names case-insensitively and the analysis wants one spelling.
 */
import type { DdlChange, ForeignKey, LockClause, Statement } from '../model/statement.js';
import { slotOfNumber, slotOfString } from './fingerprint.js';
import {
  asArray,
  asNode,
  asString,
  ddlTemplate,
  deferrableOf,
  isNode,
  unique,
  WhereBuilder,
  type AstNode,
  type TableShapeBuilder,
} from './normalize-common.js';
import { NO_LOCK } from './rewrite.js';
import type { NodeSqlParserOutput } from './sql-parser.js';
import { EXPRESSION, slotRef, type PredicateTemplate, type StatementTemplate, type ValueRef, type WhereTemplate } from './template.js';

const PARSED_BY: Statement['parsedBy'] = 'node-sql-parser';

const STRING_TYPES = new Set([
  'single_quote_string', 'double_quote_string', 'string', 'natural_string', 'hex_string', 'full_hex_string',
  'bit_string', 'var_string', 'date', 'datetime', 'time', 'timestamp', 'regex_string',
]);

/** Lower-cased text of a name in any of the shapes node-sql-parser uses (string, {value}, {expr}). */
function nameOf(value: unknown): string | null {
  if (typeof value === 'string') return value.toLowerCase();
  const node = asNode(value);
  if (node === undefined) return null;
  if (typeof node['value'] === 'string') return node['value'].toLowerCase();
  if (node['expr'] !== undefined) return nameOf(node['expr']);
  return null;
}

function isSubquery(node: AstNode): boolean {
  return isNode(node['ast']);
}

function columnOf(node: AstNode | undefined): string | null {
  if (node === undefined || node['type'] !== 'column_ref') return null;
  const name = nameOf(node['column']);
  return name === '*' ? null : name;
}

class NspNormalizer {
  constructor(private readonly slotCount: number) {}

  valueRef(value: unknown): ValueRef {
    const node = asNode(value);
    if (node === undefined) return EXPRESSION;
    const type = node['type'];
    if (type === 'number' && typeof node['value'] === 'number') {
      const slot = slotOfNumber(node['value'], this.slotCount);
      return slot >= 0 ? slotRef(slot) : { kind: 'literal', value: node['value'] };
    }
    if (typeof type === 'string' && STRING_TYPES.has(type) && typeof node['value'] === 'string') {
      const slot = slotOfString(node['value'], this.slotCount);
      return slot >= 0 ? slotRef(slot) : { kind: 'literal', value: node['value'] };
    }
    if (type === 'null') return { kind: 'literal', value: null };
    if ((type === 'bool' || type === 'boolean') && typeof node['value'] === 'boolean') return { kind: 'literal', value: node['value'] };
    if (type === 'cast') return this.valueRef(node['expr']);
    return EXPRESSION;
  }

  /** Column names referenced in an expression, not descending into sub-queries. */
  columnsIn(value: unknown, out: string[]): string[] {
    if (Array.isArray(value)) {
      for (const item of value) this.columnsIn(item, out);
      return out;
    }
    const node = asNode(value);
    if (node === undefined || isSubquery(node)) return out;
    if (node['type'] === 'column_ref') {
      const column = columnOf(node);
      if (column !== null) out.push(column);
      return out;
    }
    for (const key in node) {
      const child = node[key];
      if (typeof child === 'object' && child !== null) this.columnsIn(child, out);
    }
    return out;
  }

  hasColumns(value: unknown): boolean {
    return this.columnsIn(value, []).length > 0 || this.hasSubquery(value);
  }

  hasSubquery(value: unknown): boolean {
    if (Array.isArray(value)) return value.some((item) => this.hasSubquery(item));
    const node = asNode(value);
    if (node === undefined) return false;
    if (isSubquery(node)) return true;
    for (const key in node) {
      const child = node[key];
      if (typeof child === 'object' && child !== null && this.hasSubquery(child)) return true;
    }
    return false;
  }

  conjuncts(value: unknown, out: AstNode[]): AstNode[] {
    const node = asNode(value);
    if (node === undefined) return out;
    if (node['type'] === 'binary_expr' && String(node['operator']).toUpperCase() === 'AND') {
      this.conjuncts(node['left'], out);
      this.conjuncts(node['right'], out);
    } else {
      out.push(node);
    }
    return out;
  }

  predicateOf(node: AstNode): PredicateTemplate | null {
    if (node['type'] !== 'binary_expr') return null;
    const operator = String(node['operator']).toUpperCase();
    const left = asNode(node['left']);
    const right = asNode(node['right']);
    if (left === undefined || right === undefined) return null;
    if (operator === '=') {
      const [column, other] = columnOf(left) !== null ? [columnOf(left), right] : [columnOf(right), left];
      if (column === null) return null;
      if (isSubquery(other)) return { column, op: '=', values: [], subquery: true };
      if (this.hasColumns(other)) return null;
      return { column, op: '=', values: [this.valueRef(other)] };
    }
    if (operator === 'IN') {
      const column = columnOf(left);
      if (column === null) return null;
      const items = right['type'] === 'expr_list' ? asArray(right['value']) : [right];
      if (items.length === 1 && isNode(items[0]) && isSubquery(items[0])) return { column, op: 'in', values: [], subquery: true };
      if (items.some((item) => this.hasColumns(item))) return null;
      return { column, op: 'in', values: items.map((item) => this.valueRef(item)) };
    }
    return null;
  }

  where(value: unknown): WhereTemplate | undefined {
    if (!isNode(value)) return undefined;
    const builder = new WhereBuilder();
    for (const conjunct of this.conjuncts(value, [])) {
      const predicate = this.predicateOf(conjunct);
      if (predicate !== null) builder.addPredicate(predicate);
      else builder.addOther(this.columnsIn(conjunct, []));
    }
    return builder.build();
  }
}

/** Table names from node-sql-parser's `type::db::table` list, minus CTE names. */
function tablesFromList(tableList: readonly string[], exclude: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const entry of tableList) {
    const parts = entry.split('::');
    const table = (parts[parts.length - 1] ?? '').toLowerCase();
    if (table !== '' && table !== 'null' && !exclude.has(table)) out.push(table);
  }
  return out;
}

function cteNames(ast: AstNode): Set<string> {
  const names = new Set<string>();
  for (const item of asArray(ast['with'])) {
    const name = nameOf(asNode(item)?.['name']);
    if (name !== null) names.add(name);
  }
  return names;
}

/** alias -> table for node-sql-parser FROM items. */
function aliasesOf(from: readonly unknown[]): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const item of from) {
    const table = fromTableName(item);
    const alias = nameOf(asNode(item)?.['as']);
    if (table !== null && alias !== null) aliases.set(alias, table);
  }
  return aliases;
}

function fromTableName(item: unknown): string | null {
  const node = asNode(item);
  if (node === undefined || node['table'] === undefined) return null;
  return nameOf(node['table']);
}

export function normalizeNodeSqlParser(output: NodeSqlParserOutput, slotCount: number, lock: LockClause): StatementTemplate {
  const ast = asNode(Array.isArray(output.ast) ? output.ast[0] : output.ast);
  const other: StatementTemplate = { kind: 'other', parsedBy: PARSED_BY, table: null, tables: [] };
  if (ast === undefined) return other;
  const normalizer = new NspNormalizer(slotCount);
  const exclude = cteNames(ast);
  const listed = tablesFromList(output.tableList, exclude);
  switch (ast['type']) {
    case 'select':
      return selectTemplate(ast, normalizer, listed, exclude, lock);
    case 'insert':
    case 'replace':
      return insertTemplate(ast, normalizer, listed);
    case 'update': {
      const targets = asArray(ast['table']).map(fromTableName);
      const assignments: [string, ValueRef][] = [];
      for (const item of asArray(ast['set'])) {
        const node = asNode(item);
        const column = nameOf(node?.['column']);
        if (node !== undefined && column !== null) assignments.push([column, normalizer.valueRef(node['value'])]);
      }
      const where = normalizer.where(ast['where']);
      return withWhere({ kind: 'update', parsedBy: PARSED_BY, table: targets[0] ?? null, tables: unique([...targets, ...listed]), assignments }, where);
    }
    case 'delete': {
      // `DELETE b FROM book b JOIN ...` names its targets by alias.
      const aliases = aliasesOf(asArray(ast['from']));
      const targets = asArray(ast['table']).map(fromTableName).map((name) => (name === null ? null : aliases.get(name) ?? name));
      const from = asArray(ast['from']).map(fromTableName);
      const where = normalizer.where(ast['where']);
      return withWhere({ kind: 'delete', parsedBy: PARSED_BY, table: targets[0] ?? from[0] ?? null, tables: unique([...targets, ...from, ...listed]) }, where);
    }
    case 'lock': {
      const tables = unique(asArray(ast['tables']).map((item) => fromTableName(asNode(item)?.['table'])));
      return { kind: 'lock-tables', parsedBy: PARSED_BY, table: tables[0] ?? null, tables };
    }
    case 'unlock':
      return { kind: 'unlock-tables', parsedBy: PARSED_BY, table: null, tables: [] };
    case 'create':
    case 'alter':
    case 'drop':
    case 'rename':
    case 'truncate': {
      const ddl = ddlFromNodeSqlParser(ast);
      if (ddl === null) return { kind: 'ddl', parsedBy: PARSED_BY, table: null, tables: [], ddl: { action: 'other' } };
      return ddlTemplate(ddl, PARSED_BY);
    }
    default:
      return other;
  }
}

function withWhere(template: StatementTemplate, where: WhereTemplate | undefined): StatementTemplate {
  return where === undefined ? template : { ...template, where };
}

function selectTemplate(ast: AstNode, normalizer: NspNormalizer, listed: string[], exclude: ReadonlySet<string>, lock: LockClause): StatementTemplate {
  const from = asArray(ast['from']);
  const firstFrom = asNode(from[0]);
  const first = firstFrom !== undefined && !isSubqueryFrom(firstFrom) ? fromTableName(firstFrom) : null;
  const table = first !== null && !exclude.has(first) ? first : null;
  const selectColumns: string[] = [];
  const columns = ast['columns'];
  if (columns === '*') selectColumns.push('*');
  for (const item of asArray(columns)) {
    const expr = asNode(asNode(item)?.['expr']);
    if (expr === undefined) continue;
    if (expr['type'] === 'star') selectColumns.push('*');
    else if (expr['type'] === 'column_ref') {
      const name = nameOf(expr['column']);
      if (name !== null) selectColumns.push(name);
    }
  }
  const groupBy = asNode(ast['groupby']);
  const complexSelect =
    from.length > 1 ||
    from.some((item) => isNode(item) && (item['join'] !== undefined || isSubqueryFrom(item))) ||
    (groupBy !== undefined && asArray(groupBy['columns']).length > 0) ||
    isNode(ast['having']) ||
    isNode(ast['_next']) ||
    asArray(ast['with']).length > 0;
  const where = normalizer.where(ast['where']);
  return withWhere(
    {
      kind: 'select',
      parsedBy: PARSED_BY,
      table,
      tables: unique([table, ...listed]),
      selectColumns: unique(selectColumns),
      lock: selectLock(ast, lock, aliasesOf(from)),
      complexSelect,
    },
    where,
  );
}

/** The lock cut from the tail by the rewrite (OF names resolved through aliases), else node-sql-parser's own. */
function selectLock(ast: AstNode, cut: LockClause, aliases: ReadonlyMap<string, string>): LockClause {
  if (cut !== NO_LOCK) return cut.of === undefined ? cut : { ...cut, of: unique(cut.of.map((name) => aliases.get(name) ?? name)) };
  const locking = asString(ast['locking_read'])?.toLowerCase();
  if (locking === undefined || locking === '') return NO_LOCK;
  return { strength: locking.includes('update') ? 'update' : 'share', wait: 'block' };
}

function isSubqueryFrom(item: AstNode): boolean {
  const expr = asNode(item['expr']);
  return expr !== undefined && isNode(expr['ast']);
}

function insertTemplate(ast: AstNode, normalizer: NspNormalizer, listed: string[]): StatementTemplate {
  const table = fromTableName(asArray(ast['table'])[0]);
  let insertColumns = asArray(ast['columns']).map(nameOf).filter((name): name is string => name !== null);
  let insertRows: ValueRef[][] | undefined;
  let insertFromSelect = false;
  const values = asNode(ast['values']);
  const set = asArray(ast['set']);
  if (values !== undefined && values['type'] === 'values') {
    insertRows = asArray(values['values']).map((row) => asArray(asNode(row)?.['value']).map((item) => normalizer.valueRef(item)));
  } else if (values !== undefined && (values['type'] === 'select' || isNode(values['ast']))) {
    insertFromSelect = true;
  } else if (set.length > 0) {
    // INSERT ... SET a = 1, b = 2
    insertColumns = set.map((item) => nameOf(asNode(item)?.['column']) ?? '');
    insertRows = [set.map((item) => normalizer.valueRef(asNode(item)?.['value']))];
  }
  const orWords = asArray(ast['or']).map((item) => nameOf(item));
  const prefix = asString(ast['prefix'])?.toLowerCase() ?? '';
  let conflict: Statement['conflict'] = 'error';
  if (ast['type'] === 'replace' || orWords.includes('replace')) conflict = 'replace';
  else if (isNode(ast['on_duplicate_update'])) conflict = 'update';
  else if (prefix.includes('ignore') || orWords.includes('ignore')) conflict = 'ignore';
  const template: StatementTemplate = {
    kind: 'insert',
    parsedBy: PARSED_BY,
    table,
    tables: unique([table, ...listed]),
    insertColumns,
    insertFromSelect,
    conflict,
  };
  return insertRows === undefined ? template : { ...template, insertRows };
}

function columnNames(definition: unknown): string[] {
  return asArray(definition)
    .map((item) => nameOf(asNode(item)?.['column']) ?? nameOf(item))
    .filter((name): name is string => name !== null);
}

function foreignKeyOf(columns: string[], reference: AstNode, name: string | null): ForeignKey | null {
  const refTable = fromTableName(asArray(reference['table'])[0]);
  if (refTable === null || columns.length === 0) return null;
  const fk: ForeignKey = { columns, refTable, refColumns: columnNames(reference['definition']), deferrable: deferrableOf(false, false) };
  return name === null ? fk : { name, ...fk };
}

/** Reads one `create_definitions` entry into the table shape. */
function addDefinition(shape: TableShapeBuilder, definition: AstNode): void {
  const resource = definition['resource'];
  if (resource === 'column') {
    const column = nameOf(asNode(definition['column'])?.['column']);
    if (column === null) return;
    shape.columns.push(column);
    const primary = asString(definition['primary_key'])?.toLowerCase();
    if (primary === 'primary key' || primary === 'key') shape.primaryKey = [column];
    if (asString(definition['unique']) !== undefined) shape.uniqueKeys.push([column]);
    const reference = asNode(definition['reference_definition']);
    if (reference !== undefined) {
      const fk = foreignKeyOf([column], reference, null);
      if (fk !== null) shape.foreignKeys.push(fk);
    }
    return;
  }
  if (resource !== 'constraint') return;
  const type = asString(definition['constraint_type'])?.toLowerCase() ?? '';
  const columns = columnNames(definition['definition']);
  if (type === 'primary key') shape.primaryKey = columns;
  else if (type.startsWith('unique')) shape.uniqueKeys.push(columns);
  else if (type === 'foreign key') {
    const reference = asNode(definition['reference_definition']);
    const name = nameOf(definition['constraint']) ?? nameOf(definition['index']);
    const fk = reference === undefined ? null : foreignKeyOf(columns, reference, name);
    if (fk !== null) shape.foreignKeys.push(fk);
  }
}

export function ddlFromNodeSqlParser(ast: AstNode): DdlChange | null {
  const type = ast['type'];
  const keyword = asString(ast['keyword'])?.toLowerCase();
  if (type === 'create' && keyword === 'table') {
    const table = fromTableName(asArray(ast['table'])[0]);
    if (table === null) return null;
    // CREATE TABLE ... LIKE / AS SELECT: the structure comes from elsewhere.
    if (isNode(ast['like']) || asArray(ast['create_definitions']).length === 0) return { action: 'other', table };
    const shape: TableShapeBuilder = { columns: [], uniqueKeys: [], foreignKeys: [] };
    for (const definition of asArray(ast['create_definitions'])) if (isNode(definition)) addDefinition(shape, definition);
    const change: DdlChange = { action: 'create-table', table, columns: shape.columns, uniqueKeys: shape.uniqueKeys, foreignKeys: shape.foreignKeys };
    return shape.primaryKey === undefined ? change : { ...change, primaryKey: shape.primaryKey };
  }
  if (type === 'create' && keyword === 'index') {
    const table = fromTableName(ast['table']);
    if (table === null) return null;
    const columns = asArray(ast['index_columns']).map((item) => columnOf(asNode(item)));
    if (asString(ast['index_type'])?.toLowerCase() === 'unique' && columns.length > 0 && columns.every((column) => column !== null)) {
      return { action: 'create-unique-index', table, columns: columns as string[] };
    }
    return { action: 'other', table };
  }
  if (type === 'alter') return alterFromNodeSqlParser(ast);
  if (type === 'drop') {
    if (keyword === 'table') {
      const tables = unique(asArray(ast['name']).map(fromTableName));
      return tables.length > 0 ? { action: 'drop-table', tables } : null;
    }
    const table = fromTableName(ast['table']);
    return table === null ? { action: 'other' } : { action: 'other', table };
  }
  if (type === 'rename') {
    const pair = asArray(asArray(ast['table'])[0]);
    const from = fromTableName(pair[0]);
    const to = fromTableName(pair[1]);
    return from !== null && to !== null ? { action: 'rename-table', from, to } : null;
  }
  if (type === 'truncate') {
    const table = fromTableName(asArray(ast['name'])[0]);
    return table === null ? { action: 'other' } : { action: 'other', table };
  }
  const table = fromTableName(asArray(ast['table'])[0]);
  return table === null ? { action: 'other' } : { action: 'other', table };
}

function alterFromNodeSqlParser(ast: AstNode): DdlChange | null {
  const table = fromTableName(asArray(ast['table'])[0]);
  if (table === null) return null;
  const shape: TableShapeBuilder = { columns: [], uniqueKeys: [], foreignKeys: [] };
  const dropForeignKeys: string[] = [];
  let renameTo: string | null = null;
  for (const item of asArray(ast['expr'])) {
    const expr = asNode(item);
    if (expr === undefined) continue;
    const action = asString(expr['action'])?.toLowerCase();
    const resource = expr['resource'];
    if (action === 'add' && resource === 'column') addDefinition(shape, expr);
    else if (action === 'add' && resource === 'constraint') {
      const definition = asNode(expr['create_definitions']);
      if (definition !== undefined) addDefinition(shape, definition);
    } else if (action === 'drop') {
      const kw = asString(expr['keyword'])?.toLowerCase();
      if (kw === 'foreign key') dropForeignKeys.push(nameOf(expr['key']) ?? '');
      else if (kw === 'constraint') dropForeignKeys.push(nameOf(expr['constraint']) ?? '');
    } else if (action === 'rename' && resource === 'table') {
      renameTo = nameOf(expr['table']);
    }
  }
  const changesSomething = shape.columns.length + shape.uniqueKeys.length + shape.foreignKeys.length + dropForeignKeys.length > 0 || shape.primaryKey !== undefined;
  if (renameTo !== null && !changesSomething) return { action: 'rename-table', from: table, to: renameTo };
  const change: DdlChange = {
    action: 'alter-table',
    table,
    addColumns: shape.columns,
    addUniqueKeys: shape.uniqueKeys,
    addForeignKeys: shape.foreignKeys,
    dropForeignKeys: dropForeignKeys.filter((name) => name !== ''),
  };
  return shape.primaryKey === undefined ? change : { ...change, addPrimaryKey: shape.primaryKey };
}

