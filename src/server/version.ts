import manifest from '../../package.json' with { type: 'json' };

export const BATON_VERSION: string = manifest.version;
