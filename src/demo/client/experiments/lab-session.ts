import type { Exchange } from '../exchange/exchange.js';
import type { PendingAuthorization } from '../oauth/code-flow-steps.js';
import { SessionSlot } from '../playground-sessions.js';
import type { ExperimentId, ExperimentResult, SignInExperimentId } from './experiment.js';

/** An experiment waiting for the visitor's browser to come back from the Auth Server. */
export interface PendingSignIn {
  experiment: SignInExperimentId;
  authorization: PendingAuthorization;
  /** The state the Client will check the callback against: the URL's, except in the wrong-state experiment. */
  expectedState: string;
}

/** The short-lived token of the "expired" experiment, kept until it is used once. */
export interface ExpiringToken {
  accessToken: string;
  /** By the Client's clock: receipt time plus expires_in (RFC 6749 §5.1). */
  expiresAt: number;
}

/** One visitor's Break it page: the latest result of each experiment. */
export interface BreakItState {
  results: Map<ExperimentId, ExperimentResult>;
  pending?: PendingSignIn;
  expiring?: ExpiringToken;
}

export const BREAK_IT_SLOT = new SessionSlot<BreakItState>('break-it', () => ({ results: new Map() }));

/** What a sign-in experiment gets when the browser is back: the callback and how it got there. */
export interface CallbackInput {
  url: URL;
  pending: PendingSignIn;
  /** The browser's visit to the Auth Server, as far as the Client can know it. */
  navigation: Exchange;
  /** The callback request the Client's server received. */
  callback: Exchange;
}
