// The wallet behaviour as a layer: deterministic, JSON state (the identity snapshot codec); each
// message's changed orders and ledger lines are reported to the sink.
import { Wallet } from "./protocol.js"
import { walletHandlers } from "./behaviour.js"
import { reportingToSink } from "./sink-report.js"
import { emptyWallet, type WalletState } from "./wallet-state.js"

/** Registers the wallet kind. */
export const WalletLive = Wallet.toLayer<WalletState>({
  version: 1,
  initial: emptyWallet,
  handlers: reportingToSink(walletHandlers)
})
