import type { Template } from './template.entity';
import type { TemplateVersion } from './template-version.entity';
import type { TemplateSummaryView, TemplateView, VersionSummaryView, VersionView } from './templates.dto';

export function versionStatus(t: Template, v: TemplateVersion): VersionSummaryView['status'] {
  if (v.version === t.publishedVersion) return 'published';
  return v.publishedAt ? 'archived' : 'draft';
}

export function versionSummary(t: Template, v: TemplateVersion): VersionSummaryView {
  return {
    version: v.version, status: versionStatus(t, v), note: v.note, createdAt: v.createdAt, createdBy: v.createdBy,
    publishedAt: v.publishedAt, publishedBy: v.publishedBy,
  };
}

export function versionView(t: Template, v: TemplateVersion): VersionView {
  return { ...versionSummary(t, v), subject: v.subject, mjml: v.mjml, text: v.text, ...(v.channel ?? {}) };
}

export function templateSummary(t: Template): TemplateSummaryView {
  return {
    id: t.id, brandId: t.brandId, kind: t.kind, publishedVersion: t.publishedVersion, latestVersion: t.latestVersion,
    createdAt: t.createdAt, updatedAt: t.updatedAt,
  };
}

export function templateView(t: Template, published: TemplateVersion): TemplateView {
  return { ...templateSummary(t), published: versionView(t, published) };
}
