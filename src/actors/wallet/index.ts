// The wallet behaviour as a layer: deterministic, JSON state (the identity snapshot codec).
import { Wallet } from "./protocol.js"
import { walletHandlers } from "./behaviour.js"
import { emptyWallet, type WalletState } from "./wallet-state.js"

/** Registers the wallet kind. */
export const WalletLive = Wallet.toLayer<WalletState>({
  version: 1,
  initial: emptyWallet,
  handlers: walletHandlers
})
