import type { User, UserStore } from '../store/types.js';
import { hashPassword, verifyPassword } from './password.js';

// Verified against when the username is unknown, so that a wrong username costs the same
// argon2id work as a wrong password and does not reveal which usernames exist.
const decoyHash = hashPassword('tessera-decoy-password');

/** The user when the password is right; undefined otherwise, without saying which part was wrong. */
export async function authenticateUser(users: UserStore, username: string, password: string): Promise<User | undefined> {
  const user = await users.getByUsername(username);
  const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash), password);
  return user && ok ? user : undefined;
}
