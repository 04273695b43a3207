export class PostgresStore { static async connect(_url: string): Promise<never> { throw new Error('x'); } }
