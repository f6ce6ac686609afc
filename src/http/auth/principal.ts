// Who is calling: a user, an operator or an ML service, from a JWT or a bootstrap token.
import { Context } from "effect"

/** Roles of the API. */
export type Role = "user" | "operator" | "ml-service"

/** The authenticated caller. */
export interface Principal {
  readonly userId: string
  readonly role: Role
  /** When the credential lapses (a JWT's `exp`, epoch ms); absent for API keys and bootstrap tokens. */
  readonly expiresAt?: number
}

/** Settings of authentication. */
export interface AuthSettings {
  /** HMAC secret for JWTs; every edge of a cluster must share it. */
  readonly jwtSecret: Uint8Array
  /** Token lifetime in seconds. */
  readonly tokenTtlSeconds: number
  /** Bootstrap bearer tokens from the environment (VIRALFX_ADMIN_TOKEN, VIRALFX_SIGNAL_TOKEN). */
  readonly adminToken: string | undefined
  readonly signalToken: string | undefined
}

/** Authentication settings as a service. */
export class AuthConfig extends Context.Tag("viralfx/http/AuthConfig")<AuthConfig, AuthSettings>() {}
