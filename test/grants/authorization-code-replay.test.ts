import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { clientFromMetadata } from '../../src/core/client-metadata.js';
import { ManualClock } from '../../src/core/clock.js';
import { cryptoRandom } from '../../src/core/random.js';
import { hashSecret } from '../../src/core/tokens.js';
import { authorizationCodeGrant } from '../../src/grants/authorization-code.js';
import { TokenIssuer } from '../../src/grants/token-issuer.js';
import type { GrantContext } from '../../src/grants/types.js';
import { KeyRing } from '../../src/keys/key-ring.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

describe('authorization code replay during redemption', () => {
  it('revokes the tokens when the replay lands between consume and save (RFC 6749 §4.1.2)', async () => {
    const store = new SqliteStore(':memory:');
    const clock = new ManualClock();
    const config = loadConfig({ db: 'sqlite::memory:' }, {});
    const client = clientFromMetadata({ client_id: 'web', client_secret: 's', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['https://a.example/cb'] }, 0);
    const user = await store.users.upsert({ id: 'u1', username: 'u', passwordHash: 'x', createdAt: 0 });
    const code = 'tsr_ac_test-code';
    await store.codes.save({
      hash: hashSecret(code), clientId: 'web', userId: user.id, redirectUri: null, scope: ['read'], audience: config.audience,
      codeChallenge: null, familyId: 'fam-1', expiresAt: clock.nowSeconds() + 60, consumedAt: null,
    });
    const issuer = new TokenIssuer(config, await KeyRing.load(store.keys, clock.nowSeconds()), store.tokens, clock, cryptoRandom);
    // The attacker's replay runs exactly while the legitimate redemption is minting its tokens.
    const racingIssuer = Object.assign(Object.create(issuer) as TokenIssuer, {
      issue: async (input: Parameters<TokenIssuer['issue']>[0]) => {
        const replay = await store.codes.consume(hashSecret(code), clock.nowSeconds());
        expect(replay.outcome).toBe('replayed');
        await store.tokens.revokeFamily('fam-1', clock.nowSeconds());
        return issuer.issue(input);
      },
    });
    const ctx: GrantContext = { config, store, clock, random: cryptoRandom, tokens: racingIssuer };
    await expect(authorizationCodeGrant.handle({ grantType: 'authorization_code', params: { code }, resources: [], remoteAddress: '127.0.0.1' }, client, ctx))
      .rejects.toMatchObject({ error: 'invalid_grant' });
    const db = store.db.prepare("SELECT count(*) AS live FROM tokens WHERE family_id = 'fam-1' AND revoked_at IS NULL").get() as { live: number };
    expect(db.live).toBe(0);
    await store.close();
  });
});
