/** The database the SQL runs on. MariaDB is separate from MySQL because some advice differs. */
export type Dialect = 'mysql' | 'mariadb' | 'postgresql' | 'sqlite';

export const DIALECTS: readonly Dialect[] = ['mysql', 'mariadb', 'postgresql', 'sqlite'];

/** True for the InnoDB family, whose locking rules MySQL and MariaDB share. */
export function isMySqlFamily(dialect: Dialect): boolean {
  return dialect === 'mysql' || dialect === 'mariadb';
}
