/**
 * libpg-query AST -> StatementTemplate (PostgreSQL). Names come out as PostgreSQL sees them:
 * unquoted names already folded to lower case, quoted names exact.
 */
import type { DdlChange, ForeignKey, LockClause, LockStrength, Statement } from '../model/statement.js';
import { slotOfNumber, slotOfString } from './fingerprint.js';
import { asArray, asNode, asString, ddlTemplate, deferrableOf, isNode, unique, WhereBuilder, type AstNode, type TableShapeBuilder } from './normalize-common.js';
import { NO_LOCK } from './rewrite.js';
import { EXPRESSION, slotRef, type PredicateTemplate, type StatementTemplate, type ValueRef, type WhereTemplate } from './template.js';

const PARSED_BY: Statement['parsedBy'] = 'libpg-query';

/** `{ Type: body }` -> [Type, body]. */
function unwrap(value: unknown): [string, AstNode] | null {
  const node = asNode(value);
  if (node === undefined) return null;
  for (const key in node) {
    const body = asNode(node[key]);
    return body === undefined ? null : [key, body];
  }
  return null;
}

function bodyOf(value: unknown, type: string): AstNode | undefined {
  return asNode(asNode(value)?.[type]);
}

function stringsOf(list: unknown): string[] {
  return asArray(list)
    .map((item) => asString(bodyOf(item, 'String')?.['sval']))
    .filter((name): name is string => name !== undefined);
}

/** The column a ColumnRef names (last field); `*` for `t.*`; null when not a ColumnRef. */
function columnOf(value: unknown): string | null {
  const ref = bodyOf(value, 'ColumnRef');
  if (ref === undefined) return null;
  const fields = asArray(ref['fields']);
  const last = fields[fields.length - 1];
  if (bodyOf(last, 'A_Star') !== undefined) return '*';
  return asString(bodyOf(last, 'String')?.['sval']) ?? null;
}

function rangeVarName(value: unknown): string | null {
  const node = asNode(value);
  if (node === undefined) return null;
  const body = asNode(node['RangeVar']) ?? node;
  return asString(body['relname']) ?? null;
}

function containsNode(value: unknown, type: string): boolean {
  if (Array.isArray(value)) return value.some((item) => containsNode(item, type));
  const node = asNode(value);
  if (node === undefined) return false;
  for (const key in node) {
    if (key === type) return true;
    const child = node[key];
    if (typeof child === 'object' && child !== null && containsNode(child, type)) return true;
  }
  return false;
}

class PgNormalizer {
  constructor(private readonly slotCount: number) {}

  valueRef(value: unknown): ValueRef {
    const unwrapped = unwrap(value);
    if (unwrapped === null) return EXPRESSION;
    const [type, body] = unwrapped;
    if (type === 'A_Const') {
      if (body['isnull'] === true) return { kind: 'literal', value: null };
      const ival = asNode(body['ival']);
      if (ival !== undefined) {
        const number = typeof ival['ival'] === 'number' ? ival['ival'] : 0;
        const slot = slotOfNumber(number, this.slotCount);
        return slot >= 0 ? slotRef(slot) : { kind: 'literal', value: number };
      }
      const sval = asNode(body['sval']);
      if (sval !== undefined) {
        const text = asString(sval['sval']) ?? '';
        const slot = slotOfString(text, this.slotCount);
        return slot >= 0 ? slotRef(slot) : { kind: 'literal', value: text };
      }
      const boolval = asNode(body['boolval']);
      if (boolval !== undefined) return { kind: 'literal', value: boolval['boolval'] === true };
      const fval = asNode(body['fval']);
      if (fval !== undefined) return { kind: 'literal', value: Number(fval['fval']) };
      return EXPRESSION;
    }
    if (type === 'TypeCast') return this.valueRef(body['arg']);
    if (type === 'ParamRef') return { kind: 'placeholder', name: `$${String(body['number'] ?? '')}` };
    return EXPRESSION;
  }

  /** Column names in an expression; a sub-query contributes only its test expression. */
  columnsIn(value: unknown, out: string[]): string[] {
    if (Array.isArray(value)) {
      for (const item of value) this.columnsIn(item, out);
      return out;
    }
    const node = asNode(value);
    if (node === undefined) return out;
    const column = columnOf(node);
    if (column !== null) {
      if (column !== '*') out.push(column);
      return out;
    }
    const subLink = asNode(node['SubLink']);
    if (subLink !== undefined) return this.columnsIn(subLink['testexpr'], out);
    if (node['SelectStmt'] !== undefined) return out;
    for (const key in node) {
      const child = node[key];
      if (typeof child === 'object' && child !== null) this.columnsIn(child, out);
    }
    return out;
  }

  hasColumnsOrSubquery(value: unknown): boolean {
    return this.columnsIn(value, []).length > 0 || containsNode(value, 'SubLink');
  }

  conjuncts(value: unknown, out: unknown[]): unknown[] {
    const bool = bodyOf(value, 'BoolExpr');
    if (bool !== undefined && bool['boolop'] === 'AND_EXPR') {
      for (const arg of asArray(bool['args'])) this.conjuncts(arg, out);
    } else if (value !== undefined && value !== null) {
      out.push(value);
    }
    return out;
  }

  predicateOf(value: unknown): PredicateTemplate | null {
    const subLink = bodyOf(value, 'SubLink');
    if (subLink !== undefined) {
      const operator = stringsOf(subLink['operName']);
      const column = columnOf(subLink['testexpr']);
      if (subLink['subLinkType'] === 'ANY_SUBLINK' && column !== null && column !== '*' && (operator.length === 0 || operator[0] === '=')) {
        return { column, op: 'in', values: [], subquery: true };
      }
      return null;
    }
    const expr = bodyOf(value, 'A_Expr');
    if (expr === undefined) return null;
    const operator = stringsOf(expr['name']);
    if (operator.length !== 1 || operator[0] !== '=') return null;
    const left = expr['lexpr'];
    const right = expr['rexpr'];
    if (expr['kind'] === 'AEXPR_OP') {
      const leftColumn = columnOf(left);
      const [column, other] = leftColumn !== null ? [leftColumn, right] : [columnOf(right), left];
      if (column === null || column === '*') return null;
      const otherSubLink = bodyOf(other, 'SubLink');
      if (otherSubLink !== undefined && otherSubLink['subLinkType'] === 'EXPR_SUBLINK') return { column, op: '=', values: [], subquery: true };
      if (this.hasColumnsOrSubquery(other)) return null;
      return { column, op: '=', values: [this.valueRef(other)] };
    }
    if (expr['kind'] === 'AEXPR_IN' || expr['kind'] === 'AEXPR_OP_ANY') {
      const column = columnOf(left);
      if (column === null || column === '*') return null;
      const list = bodyOf(right, 'List');
      const array = bodyOf(right, 'A_ArrayExpr');
      const items = list !== undefined ? asArray(list['items']) : array !== undefined ? asArray(array['elements']) : [right];
      if (items.some((item) => this.hasColumnsOrSubquery(item))) return null;
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

/** Every table named anywhere in the statement (RangeVar), minus CTE names, in order. */
function allTables(value: unknown, exclude: ReadonlySet<string>, out: string[]): string[] {
  if (Array.isArray(value)) {
    for (const item of value) allTables(item, exclude, out);
    return out;
  }
  const node = asNode(value);
  if (node === undefined) return out;
  const rangeVar = asNode(node['RangeVar']);
  if (rangeVar !== undefined) {
    const name = asString(rangeVar['relname']);
    if (name !== undefined && !exclude.has(name)) out.push(name);
    return out;
  }
  for (const key in node) {
    const child = node[key];
    if (key === 'relation') {
      const name = rangeVarName(child);
      if (name !== null && !exclude.has(name)) out.push(name);
      continue;
    }
    if (typeof child === 'object' && child !== null) allTables(child, exclude, out);
  }
  return out;
}

function cteNames(withClause: unknown, names: Set<string>): Set<string> {
  for (const cte of asArray(asNode(withClause)?.['ctes'])) {
    const name = asString(bodyOf(cte, 'CommonTableExpr')?.['ctename']);
    if (name !== undefined) names.add(name);
  }
  return names;
}

/** Collects CTE names at every level (they may shadow tables in nested queries too). */
function allCteNames(value: unknown, names: Set<string>): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) allCteNames(item, names);
    return names;
  }
  const node = asNode(value);
  if (node === undefined) return names;
  if (node['withClause'] !== undefined) cteNames(node['withClause'], names);
  for (const key in node) {
    const child = node[key];
    if (typeof child === 'object' && child !== null) allCteNames(child, names);
  }
  return names;
}

function firstFromTable(item: unknown, exclude: ReadonlySet<string>): string | null {
  const unwrapped = unwrap(item);
  if (unwrapped === null) return null;
  const [type, body] = unwrapped;
  if (type === 'RangeVar') {
    const name = asString(body['relname']) ?? null;
    return name !== null && exclude.has(name) ? null : name;
  }
  if (type === 'JoinExpr') return firstFromTable(body['larg'], exclude);
  return null;
}

const STRENGTHS: Record<string, LockStrength> = {
  LCS_FORKEYSHARE: 'key-share',
  LCS_FORSHARE: 'share',
  LCS_FORNOKEYUPDATE: 'no-key-update',
  LCS_FORUPDATE: 'update',
};
const STRENGTH_ORDER: Record<LockStrength, number> = { none: 0, 'key-share': 1, share: 2, 'no-key-update': 3, update: 4 };
const WAITS: Record<string, LockClause['wait']> = { LockWaitBlock: 'block', LockWaitSkip: 'skip-locked', LockWaitError: 'nowait' };

/** alias -> table for the RangeVars of a FROM clause (joins included). */
function aliasesOf(from: unknown, out = new Map<string, string>()): Map<string, string> {
  for (const item of Array.isArray(from) ? from : [from]) {
    const unwrapped = unwrap(item);
    if (unwrapped === null) continue;
    const [type, body] = unwrapped;
    if (type === 'RangeVar') {
      const table = asString(body['relname']);
      const alias = asString(asNode(body['alias'])?.['aliasname']);
      if (table !== undefined && alias !== undefined) out.set(alias, table);
    } else if (type === 'JoinExpr') {
      aliasesOf(body['larg'], out);
      aliasesOf(body['rarg'], out);
    }
  }
  return out;
}

function lockOf(select: AstNode): LockClause {
  const aliases = aliasesOf(select['fromClause']);
  let strongest: LockClause = NO_LOCK;
  const of: string[] = [];
  let everyClauseHasOf = true;
  for (const item of asArray(select['lockingClause'])) {
    const clause = bodyOf(item, 'LockingClause');
    if (clause === undefined) continue;
    const strength = STRENGTHS[asString(clause['strength']) ?? ''] ?? 'update';
    const wait = WAITS[asString(clause['waitPolicy']) ?? ''] ?? 'block';
    const rels = asArray(clause['lockedRels'])
      .map(rangeVarName)
      .filter((name): name is string => name !== null)
      .map((name) => aliases.get(name) ?? name);
    if (rels.length === 0) everyClauseHasOf = false;
    of.push(...rels);
    if (STRENGTH_ORDER[strength] > STRENGTH_ORDER[strongest.strength]) strongest = { strength, wait };
  }
  if (strongest === NO_LOCK) return NO_LOCK;
  return everyClauseHasOf && of.length > 0 ? { ...strongest, of: unique(of) } : strongest;
}

function withWhere(template: StatementTemplate, where: WhereTemplate | undefined): StatementTemplate {
  return where === undefined ? template : { ...template, where };
}

/** Normalises a DML (or other non-DDL) statement node. */
export function normalizePg(statement: AstNode | null, slotCount: number): StatementTemplate {
  const other: StatementTemplate = { kind: 'other', parsedBy: PARSED_BY, table: null, tables: [] };
  const unwrapped = unwrap(statement);
  if (unwrapped === null) return other;
  const [type, body] = unwrapped;
  const normalizer = new PgNormalizer(slotCount);
  const exclude = allCteNames(statement, new Set());
  switch (type) {
    case 'SelectStmt':
      return selectTemplate(body, normalizer, exclude);
    case 'InsertStmt': {
      const table = rangeVarName(body['relation']);
      const insertColumns = asArray(body['cols']).map((col) => asString(bodyOf(col, 'ResTarget')?.['name']) ?? '');
      const source = bodyOf(body['selectStmt'], 'SelectStmt');
      const valuesLists = source === undefined ? [] : asArray(source['valuesLists']);
      const insertFromSelect = source !== undefined && valuesLists.length === 0;
      const insertRows = source === undefined ? [[]] : valuesLists.map((row) => asArray(bodyOf(row, 'List')?.['items']).map((item) => normalizer.valueRef(item)));
      const action = asString(asNode(body['onConflictClause'])?.['action']);
      const conflict: Statement['conflict'] = action === 'ONCONFLICT_NOTHING' ? 'ignore' : action === 'ONCONFLICT_UPDATE' ? 'update' : 'error';
      const template: StatementTemplate = {
        kind: 'insert',
        parsedBy: PARSED_BY,
        table,
        tables: unique([table, ...allTables(body['selectStmt'], exclude, []), ...allTables(body['withClause'], exclude, [])]),
        insertColumns,
        insertFromSelect,
        conflict,
      };
      return insertFromSelect ? template : { ...template, insertRows };
    }
    case 'UpdateStmt': {
      const table = rangeVarName(body['relation']);
      const assignments: [string, ValueRef][] = [];
      for (const target of asArray(body['targetList'])) {
        const res = bodyOf(target, 'ResTarget');
        const name = asString(res?.['name']);
        if (res === undefined || name === undefined) continue;
        const multi = bodyOf(res['val'], 'MultiAssignRef');
        if (multi !== undefined) {
          // SET (a, b) = (1, 2): take the matching element of a row constructor.
          const row = bodyOf(multi['source'], 'RowExpr');
          const index = typeof multi['colno'] === 'number' ? multi['colno'] - 1 : -1;
          assignments.push([name, row !== undefined ? normalizer.valueRef(asArray(row['args'])[index]) : EXPRESSION]);
        } else {
          assignments.push([name, normalizer.valueRef(res['val'])]);
        }
      }
      const tables = unique([table, ...allTables(body['fromClause'], exclude, []), ...allTables(body['whereClause'], exclude, []), ...allTables(body['targetList'], exclude, []), ...allTables(body['withClause'], exclude, [])]);
      return withWhere({ kind: 'update', parsedBy: PARSED_BY, table, tables, assignments }, normalizer.where(body['whereClause']));
    }
    case 'DeleteStmt': {
      const table = rangeVarName(body['relation']);
      const tables = unique([table, ...allTables(body['usingClause'], exclude, []), ...allTables(body['whereClause'], exclude, []), ...allTables(body['withClause'], exclude, [])]);
      return withWhere({ kind: 'delete', parsedBy: PARSED_BY, table, tables }, normalizer.where(body['whereClause']));
    }
    default:
      return { ...other, tables: unique(allTables(body, exclude, [])) };
  }
}

function selectTemplate(body: AstNode, normalizer: PgNormalizer, exclude: ReadonlySet<string>): StatementTemplate {
  const tablesEverywhere = unique(allTables(body, exclude, []));
  if (body['op'] !== undefined && body['op'] !== 'SETOP_NONE') {
    // UNION / INTERSECT / EXCEPT: describe the leftmost branch, flag it complex.
    let left = body;
    while (left['op'] !== undefined && left['op'] !== 'SETOP_NONE' && isNode(left['larg'])) left = left['larg'];
    const table = firstFromTable(asArray(left['fromClause'])[0], exclude);
    return { kind: 'select', parsedBy: PARSED_BY, table, tables: unique([table, ...tablesEverywhere]), selectColumns: selectColumnsOf(left), lock: lockOf(body), complexSelect: true };
  }
  const from = asArray(body['fromClause']);
  const table = firstFromTable(from[0], exclude);
  const complexSelect =
    from.length > 1 ||
    from.some((item) => unwrap(item)?.[0] !== 'RangeVar') ||
    asArray(body['groupClause']).length > 0 ||
    isNode(body['havingClause']) ||
    isNode(body['withClause']);
  return withWhere(
    {
      kind: 'select',
      parsedBy: PARSED_BY,
      table,
      tables: unique([table, ...tablesEverywhere]),
      selectColumns: selectColumnsOf(body),
      lock: lockOf(body),
      complexSelect,
    },
    normalizer.where(body['whereClause']),
  );
}

function selectColumnsOf(body: AstNode): string[] {
  const columns: string[] = [];
  for (const target of asArray(body['targetList'])) {
    const column = columnOf(bodyOf(target, 'ResTarget')?.['val']);
    if (column !== null) columns.push(column);
  }
  return unique(columns);
}

// ---------------------------------------------------------------------------------------------
// DDL

function constraintColumns(constraint: AstNode, key: string): string[] {
  return stringsOf(constraint[key]);
}

function foreignKeyOf(constraint: AstNode, columns: string[]): ForeignKey | null {
  const refTable = rangeVarName(constraint['pktable']);
  if (refTable === null || columns.length === 0) return null;
  const initiallyDeferred = constraint['initdeferred'] === true;
  const fk: ForeignKey = {
    columns,
    refTable,
    refColumns: constraintColumns(constraint, 'pk_attrs'),
    deferrable: deferrableOf(constraint['deferrable'] === true || initiallyDeferred, initiallyDeferred),
  };
  const name = asString(constraint['conname']);
  return name === undefined ? fk : { name, ...fk };
}

/** A table-level constraint, or a column constraint when `column` is given. */
function addConstraint(shape: TableShapeBuilder, constraint: AstNode, column?: string): void {
  const keys = column === undefined ? constraintColumns(constraint, 'keys') : [column];
  switch (constraint['contype']) {
    case 'CONSTR_PRIMARY':
      if (keys.length > 0) shape.primaryKey = keys;
      break;
    case 'CONSTR_UNIQUE':
      if (keys.length > 0) shape.uniqueKeys.push(keys);
      break;
    case 'CONSTR_FOREIGN': {
      const fk = foreignKeyOf(constraint, column === undefined ? constraintColumns(constraint, 'fk_attrs') : [column]);
      if (fk !== null) shape.foreignKeys.push(fk);
      break;
    }
  }
}

function addColumnDef(shape: TableShapeBuilder, columnDef: AstNode): void {
  const column = asString(columnDef['colname']);
  if (column === undefined) return;
  shape.columns.push(column);
  // Column-level DEFERRABLE / INITIALLY ... arrive as separate attribute constraints after the FK.
  const constraints = asArray(columnDef['constraints']).map((item) => bodyOf(item, 'Constraint')).filter((c): c is AstNode => c !== undefined);
  for (let i = 0; i < constraints.length; i++) {
    const constraint = constraints[i]!;
    if (constraint['contype'] !== 'CONSTR_FOREIGN') {
      addConstraint(shape, constraint, column);
      continue;
    }
    let deferrable = constraint['deferrable'] === true;
    let initiallyDeferred = constraint['initdeferred'] === true;
    for (let j = i + 1; j < constraints.length; j++) {
      const attribute = constraints[j]!['contype'];
      if (attribute === 'CONSTR_ATTR_DEFERRABLE') deferrable = true;
      else if (attribute === 'CONSTR_ATTR_NOT_DEFERRABLE') deferrable = false;
      else if (attribute === 'CONSTR_ATTR_DEFERRED') initiallyDeferred = true;
      else if (attribute === 'CONSTR_ATTR_IMMEDIATE') initiallyDeferred = false;
      else break;
    }
    addConstraint(shape, { ...constraint, deferrable, initdeferred: initiallyDeferred }, column);
  }
}

function lastName(list: unknown): string | null {
  const names = stringsOf(bodyOf(list, 'List')?.['items'] ?? list);
  return names[names.length - 1] ?? null;
}

export function ddlFromPg(statement: AstNode | null): DdlChange | null {
  const unwrapped = unwrap(statement);
  if (unwrapped === null) return null;
  const [type, body] = unwrapped;
  switch (type) {
    case 'CreateStmt': {
      const table = rangeVarName(body['relation']);
      if (table === null) return null;
      // LIKE other_table, PARTITION OF parent: columns and keys come from elsewhere.
      const elements = asArray(body['tableElts']);
      if (elements.some((element) => bodyOf(element, 'TableLikeClause') !== undefined) || isNode(body['partbound'])) return { action: 'other', table };
      const shape: TableShapeBuilder = { columns: [], uniqueKeys: [], foreignKeys: [] };
      for (const element of elements) {
        const columnDef = bodyOf(element, 'ColumnDef');
        const constraint = bodyOf(element, 'Constraint');
        if (columnDef !== undefined) addColumnDef(shape, columnDef);
        else if (constraint !== undefined) addConstraint(shape, constraint);
      }
      const change: DdlChange = { action: 'create-table', table, columns: shape.columns, uniqueKeys: shape.uniqueKeys, foreignKeys: shape.foreignKeys };
      return shape.primaryKey === undefined ? change : { ...change, primaryKey: shape.primaryKey };
    }
    case 'AlterTableStmt': {
      const table = rangeVarName(body['relation']);
      if (table === null) return null;
      if (body['objtype'] !== undefined && body['objtype'] !== 'OBJECT_TABLE') return { action: 'other', table };
      const shape: TableShapeBuilder = { columns: [], uniqueKeys: [], foreignKeys: [] };
      const dropForeignKeys: string[] = [];
      const alterConstraints: { name: string; deferrable: ForeignKey['deferrable'] }[] = [];
      for (const item of asArray(body['cmds'])) {
        const cmd = bodyOf(item, 'AlterTableCmd');
        if (cmd === undefined) continue;
        const definition = cmd['def'];
        switch (cmd['subtype']) {
          case 'AT_AddColumn': {
            const columnDef = bodyOf(definition, 'ColumnDef');
            if (columnDef !== undefined) addColumnDef(shape, columnDef);
            break;
          }
          case 'AT_AddConstraint': {
            const constraint = bodyOf(definition, 'Constraint');
            if (constraint !== undefined) addConstraint(shape, constraint);
            break;
          }
          case 'AT_DropConstraint': {
            const name = asString(cmd['name']);
            if (name !== undefined) dropForeignKeys.push(name);
            break;
          }
          case 'AT_AlterConstraint': {
            const constraint = bodyOf(definition, 'Constraint');
            const name = asString(constraint?.['conname']);
            if (constraint !== undefined && name !== undefined) {
              const initiallyDeferred = constraint['initdeferred'] === true;
              alterConstraints.push({ name, deferrable: deferrableOf(constraint['deferrable'] === true || initiallyDeferred, initiallyDeferred) });
            }
            break;
          }
        }
      }
      const change: DdlChange = {
        action: 'alter-table',
        table,
        addColumns: shape.columns,
        addUniqueKeys: shape.uniqueKeys,
        addForeignKeys: shape.foreignKeys,
        dropForeignKeys,
        ...(alterConstraints.length > 0 ? { alterConstraints } : {}),
      };
      return shape.primaryKey === undefined ? change : { ...change, addPrimaryKey: shape.primaryKey };
    }
    case 'RenameStmt': {
      const table = rangeVarName(body['relation']);
      const to = asString(body['newname']);
      if (body['renameType'] === 'OBJECT_TABLE' && table !== null && to !== undefined) return { action: 'rename-table', from: table, to };
      return table === null ? { action: 'other' } : { action: 'other', table };
    }
    case 'IndexStmt': {
      const table = rangeVarName(body['relation']);
      if (table === null) return null;
      const columns = asArray(body['indexParams']).map((param) => asString(bodyOf(param, 'IndexElem')?.['name']) ?? null);
      if (body['unique'] === true && columns.length > 0 && columns.every((column) => column !== null)) {
        return { action: 'create-unique-index', table, columns: columns as string[] };
      }
      return { action: 'other', table };
    }
    case 'DropStmt': {
      if (body['removeType'] !== 'OBJECT_TABLE') return { action: 'other' };
      const tables = unique(asArray(body['objects']).map(lastName));
      return tables.length > 0 ? { action: 'drop-table', tables } : { action: 'other' };
    }
    case 'CreateTableAsStmt': {
      const table = rangeVarName(asNode(body['into'])?.['rel']);
      return table === null ? { action: 'other' } : { action: 'other', table };
    }
    case 'TruncateStmt': {
      const table = rangeVarName(asArray(body['relations'])[0]);
      return table === null ? { action: 'other' } : { action: 'other', table };
    }
    case 'CommentStmt': {
      const names = stringsOf(bodyOf(body['object'], 'List')?.['items']);
      const table = body['objtype'] === 'OBJECT_TABLE' ? names[names.length - 1] : body['objtype'] === 'OBJECT_COLUMN' ? names[names.length - 2] : undefined;
      return table === undefined ? { action: 'other' } : { action: 'other', table };
    }
    default: {
      const table = rangeVarName(body['relation']);
      return table === null ? { action: 'other' } : { action: 'other', table };
    }
  }
}

export function pgDdlTemplate(statement: AstNode | null): StatementTemplate | null {
  const ddl = ddlFromPg(statement);
  return ddl === null ? null : ddlTemplate(ddl, PARSED_BY);
}
