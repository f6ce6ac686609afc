// Typed failures of the runtime. In-process failures are Data.TaggedError; failures that travel
// back to a caller in a reply are carried as `ActorFailure` data.
import { Data } from "effect"

/** A Redis call failed; `operation` names what we were doing. */
export class RedisError extends Data.TaggedError("RedisError")<{
  readonly operation: string
  readonly cause: unknown
}> {
  override get message() {
    return `redis ${this.operation} failed: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

/** The node cannot start on this Redis or with this configuration. */
export class StartupRefused extends Data.TaggedError("StartupRefused")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

/** The actor answered a request with a failure (rejection, bad message, or a handler defect). */
export class ActorFailure extends Data.TaggedError("ActorFailure")<{
  readonly reason: "rejected" | "undecodable" | "defect" | "unknown-kind" | "misrouted"
  readonly detail: unknown
}> {
  override get message() {
    return `actor ${this.reason}: ${typeof this.detail === "string" ? this.detail : JSON.stringify(this.detail)}`
  }
}

/** A send or ask could not be completed. `unknown` outcome means the append may have landed. */
export class SendFailed extends Data.TaggedError("SendFailed")<{
  readonly reason: "invalid-address" | "invalid-message" | "unknown-kind" | "backpressure" | "unknown-outcome"
  readonly detail: string
}> {
  override get message() {
    return `send failed (${this.reason}): ${this.detail}`
  }
}

/** No reply came before the deadline; the message itself was appended and will be processed. */
export class AskTimeout extends Data.TaggedError("AskTimeout")<{ readonly messageId: string }> {}
