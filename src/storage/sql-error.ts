// The failure of a database call, in its own module so sql.ts and embedded.ts can share it.
import { Data } from "effect"

/** A database call failed; `operation` names what we were doing. */
export class SqlError extends Data.TaggedError("SqlError")<{
  readonly operation: string
  readonly cause: unknown
}> {
  override get message() {
    return `sql ${this.operation} failed: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }

  /** The server's SQLSTATE (e.g. 23505 for a unique violation), when the server answered. */
  get code(): string | undefined {
    const code = (this.cause as { code?: unknown } | null)?.code
    return typeof code === "string" ? code : undefined
  }

  /** The constraint a violation names (e.g. users_email_key), when the server named one. */
  get constraint(): string | undefined {
    const name = (this.cause as { constraint_name?: unknown } | null)?.constraint_name
    return typeof name === "string" ? name : undefined
  }
}
