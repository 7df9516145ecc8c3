import { messageLinks } from './message-links';

const PAGE = 'https://digest.example/p/TOKEN';
const none = { portalUrl: '', supportUrl: '', supportEmail: null };

describe('message links', () => {
  it('go to the hosted page when the brand has no portal, support included', () => {
    const l = messageLinks(none, () => PAGE);
    expect(l).toMatchObject({ portal: PAGE, sites: `${PAGE}#sites`, threats: `${PAGE}#threats`, support: PAGE });
    expect(l.site('abc')).toBe(`${PAGE}#site-abc`);
  });

  it('go to the portal when the brand has one, without making a page link', () => {
    const page = jest.fn(() => PAGE);
    const l = messageLinks({ ...none, portalUrl: 'https://portal.example/', supportUrl: 'https://help.example' }, page);
    expect(l).toMatchObject({ portal: 'https://portal.example', threats: 'https://portal.example#threats', support: 'https://help.example' });
    expect(l.site('abc')).toBe('https://portal.example#site-abc');
    expect(page).not.toHaveBeenCalled();
  });

  it('send support to the support address when there is no support page', () => {
    expect(messageLinks({ ...none, supportEmail: 'help@host.example' }, () => PAGE).support).toBe('mailto:help@host.example');
  });
});
