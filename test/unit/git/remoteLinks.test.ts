import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commitUrl, originUrlFromConfig, parseRemoteUrl, pullRequestInMessage } from '../../../src/core/git/remoteLinks';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('parseRemoteUrl: a commit link from every form of remote.origin.url', () => {
  const cases: Array<[string, string | null]> = [
    // GitHub
    ['https://github.com/acme/pipeline.git', `https://github.com/acme/pipeline/commit/${SHA}`],
    ['https://github.com/acme/pipeline', `https://github.com/acme/pipeline/commit/${SHA}`],
    ['https://github.com/acme/pipeline/', `https://github.com/acme/pipeline/commit/${SHA}`],
    ['https://x-access-token:ghs_secret@github.com/acme/pipeline.git', `https://github.com/acme/pipeline/commit/${SHA}`],
    ['git@github.com:acme/pipeline.git', `https://github.com/acme/pipeline/commit/${SHA}`],
    ['git@github.com:acme/pipeline', `https://github.com/acme/pipeline/commit/${SHA}`],
    ['github.com:acme/pipeline.git', `https://github.com/acme/pipeline/commit/${SHA}`],
    ['ssh://git@github.com/acme/pipeline.git', `https://github.com/acme/pipeline/commit/${SHA}`],
    ['ssh://git@ssh.github.com:443/acme/pipeline.git', `https://github.com/acme/pipeline/commit/${SHA}`],
    ['git://github.com/acme/pipeline.git', `https://github.com/acme/pipeline/commit/${SHA}`],
    ['git@github.example.com:data/pipeline.git', `https://github.example.com/data/pipeline/commit/${SHA}`],
    // GitLab, with subgroups and a port
    ['https://gitlab.com/acme/ml/pipeline.git', `https://gitlab.com/acme/ml/pipeline/-/commit/${SHA}`],
    ['git@gitlab.com:acme/ml/pipeline.git', `https://gitlab.com/acme/ml/pipeline/-/commit/${SHA}`],
    ['ssh://git@gitlab.example.com:2222/acme/pipeline.git', `https://gitlab.example.com/acme/pipeline/-/commit/${SHA}`],
    // Bitbucket
    ['https://dana@bitbucket.org/acme/pipeline.git', `https://bitbucket.org/acme/pipeline/commits/${SHA}`],
    ['git@bitbucket.org:acme/pipeline.git', `https://bitbucket.org/acme/pipeline/commits/${SHA}`],
    // Azure Repos
    ['https://dev.azure.com/acme/Forecasts/_git/pipeline', `https://dev.azure.com/acme/Forecasts/_git/pipeline/commit/${SHA}`],
    ['https://acme@dev.azure.com/acme/Forecasts/_git/pipeline', `https://dev.azure.com/acme/Forecasts/_git/pipeline/commit/${SHA}`],
    ['https://dev.azure.com/acme/Sports%20Models/_git/pipeline', `https://dev.azure.com/acme/Sports%20Models/_git/pipeline/commit/${SHA}`],
    ['git@ssh.dev.azure.com:v3/acme/Forecasts/pipeline', `https://dev.azure.com/acme/Forecasts/_git/pipeline/commit/${SHA}`],
    ['acme@vs-ssh.visualstudio.com:v3/acme/Forecasts/pipeline', `https://dev.azure.com/acme/Forecasts/_git/pipeline/commit/${SHA}`],
    ['https://acme.visualstudio.com/DefaultCollection/Forecasts/_git/pipeline', `https://dev.azure.com/acme/Forecasts/_git/pipeline/commit/${SHA}`],
    ['https://acme.visualstudio.com/Forecasts/_git/pipeline', `https://dev.azure.com/acme/Forecasts/_git/pipeline/commit/${SHA}`],
    // No link rather than a guessed one
    ['https://git.example.com/acme/pipeline.git', null],
    ['/srv/git/pipeline.git', null],
    ['../pipeline', null],
    ['file:///srv/git/pipeline.git', null],
    ['C:/repos/pipeline', null],
    ['https://github.com/acme', null],
    ['https://github.com/acme/pipeline/tree/main', null],
    ['https://github.com/acme/../pipeline', null],
    ['https://dev.azure.com/acme/Forecasts/pipeline', null],
  ];
  for (const [url, expected] of cases) {
    it(`${url} → ${expected ?? 'no link'}`, () => {
      const remote = parseRemoteUrl(url);
      assert.equal(remote ? commitUrl(remote, SHA) : null, expected);
    });
  }

  it('escapes what could break out of a link, and never links to the user part of a URL', () => {
    assert.equal(parseRemoteUrl('https://github.com/acme/pipe)line%20[x]')!.web, 'https://github.com/acme/pipe%29line%20%5Bx%5D');
    assert.equal(parseRemoteUrl("git@github.com:acme/it's(1)")!.web, 'https://github.com/acme/it%27s%281%29');
    assert.equal(parseRemoteUrl('https://evil.example\\@github.com/acme/pipeline')!.web, 'https://github.com/acme/pipeline');
    assert.equal(parseRemoteUrl('https://github.com/acme/%E0%A4%A'), null, 'undecodable escapes');
  });
});

describe('pullRequestInMessage: the pull request that merged a commit', () => {
  const github = parseRemoteUrl('git@github.com:acme/pipeline.git')!;
  const gitlab = parseRemoteUrl('git@gitlab.com:acme/ml/pipeline.git')!;
  const bitbucket = parseRemoteUrl('git@bitbucket.org:acme/pipeline.git')!;
  const azure = parseRemoteUrl('https://dev.azure.com/acme/Forecasts/_git/pipeline')!;
  const cases: Array<[string, typeof github, string, string | null]> = [
    ['GitHub merge', github, 'Merge pull request #123 from dana/fix-vegas\n\nfix(worker): populate features 25-32', 'https://github.com/acme/pipeline/pull/123'],
    ['GitHub squash', github, 'fix(worker): populate features 25-32 (#123)\n\n* first\n* second', 'https://github.com/acme/pipeline/pull/123'],
    ['GitHub, no pull request', github, 'fix(worker): populate features 25-32', null],
    ['GitHub, a number mid-subject', github, 'Revert (#12) partially', null],
    [
      'GitLab merge request',
      gitlab,
      "Merge branch 'fix-vegas' into 'main'\n\nfix(worker): populate features\n\nSee merge request acme/ml/pipeline!45",
      'https://gitlab.com/acme/ml/pipeline/-/merge_requests/45',
    ],
    ['GitLab: #12 is an issue', gitlab, 'fix: the line (#12)', null],
    ['Bitbucket', bitbucket, 'Merged in fix-vegas (pull request #7)\n\nfix(worker): populate features', 'https://bitbucket.org/acme/pipeline/pull-requests/7'],
    ['Azure Repos', azure, 'Merged PR 123: fix(worker): populate features 25-32', 'https://dev.azure.com/acme/Forecasts/_git/pipeline/pullrequest/123'],
    ['another host’s form', azure, 'Merge pull request #9 from x/y', null],
  ];
  for (const [label, remote, message, expected] of cases) {
    it(label, () => {
      assert.equal(pullRequestInMessage(message, remote)?.url ?? null, expected);
    });
  }
});

describe('originUrlFromConfig: remote.origin.url as git reads it', () => {
  it('reads the origin of a plain config, not another remote', () => {
    const text =
      '[core]\n\trepositoryformatversion = 0\n[remote "upstream"]\n\turl = git@github.com:other/repo.git\n[remote "origin"]\n\turl = git@github.com:acme/pipeline.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n';
    assert.equal(originUrlFromConfig(text), 'git@github.com:acme/pipeline.git');
  });

  it('applies the longest insteadOf, and reads quoted values and comments', () => {
    const text = [
      '[url "git@github.com:"]',
      '  insteadOf = gh:',
      '[url "https://github.com/acme-mirror/"]',
      '  insteadOf = gh:acme/',
      '[Remote "origin"]',
      '  URL = "gh:acme/pipeline.git" ; where it lives',
    ].join('\n');
    assert.equal(originUrlFromConfig(text), 'https://github.com/acme-mirror/pipeline.git');
  });

  it('says nothing when there is no origin', () => {
    assert.equal(originUrlFromConfig('[core]\n\tbare = false\n'), null);
    assert.equal(originUrlFromConfig('[remote "origin"]\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n'), null);
  });
});
