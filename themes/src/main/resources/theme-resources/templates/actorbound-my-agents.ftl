<#-- "Agents that act for me": the user's agent permissions, grouped per application, each with a Revoke button.
     Plain markup with the theme's own classes, so it fits keycloak.v2 and any custom login theme; a theme may ship
     its own actorbound-my-agents.ftl to override it. The form fields app, agent and csrf_token are the contract. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayInfo=false; section>
    <#if section = "header">
        <span id="actorbound-my-agents-title">${msg("actorbound-my-agents-title")}</span>
    <#elseif section = "form">
        <style>
            #actorbound-my-agents a:focus-visible, #actorbound-my-agents button:focus-visible {
                outline: 3px solid #0066cc; outline-offset: 2px;
            }
            #actorbound-my-agents .actorbound-agent { border-top: 1px solid #d2d2d2; padding: 1rem 0; }
            #actorbound-my-agents .actorbound-agent img { vertical-align: middle; margin-right: .5rem; }
            #actorbound-my-agents section { margin: 1.5rem 0; }
            #actorbound-my-agents .actorbound-revoke-form { margin-top: .75rem; }
        </style>
        <div id="actorbound-my-agents">
        <#if actorboundError??>
            <p><a id="actorbound-my-agents-back" href="${actorboundPageUrl}">${msg("actorbound-my-agents-back")}</a></p>
        <#else>
            <p id="actorbound-my-agents-intro">${msg("actorbound-my-agents-intro")}</p>
            <#if actorboundApps?size == 0>
                <p id="actorbound-my-agents-empty"><strong>${msg("actorbound-my-agents-empty")}</strong></p>
            </#if>
            <#list actorboundApps as group>
                <#assign appHeading = "actorbound-app-" + group?index>
                <section class="actorbound-app" data-app="${group.app.clientId}" aria-labelledby="${appHeading}">
                    <h2 id="${appHeading}" class="pf-v5-c-title pf-m-xl">${msg("actorbound-my-agents-app-heading", group.app.name)}</h2>
                    <#if group.app.description??><p>${group.app.description}</p></#if>
                    <ul class="actorbound-agents" role="list" aria-labelledby="${appHeading}">
                    <#list group.agents as entry>
                        <#assign agentHeading = appHeading + "-agent-" + entry?index>
                        <li class="actorbound-agent" data-agent="${entry.agent.clientId}" data-app="${group.app.clientId}" aria-labelledby="${agentHeading}">
                            <h3 id="${agentHeading}" class="pf-v5-c-title pf-m-lg">
                                <#if entry.agent.logo??><img src="${entry.agent.logo}" alt="" width="32" height="32"/></#if><span class="actorbound-agent-name">${entry.agent.name}</span>
                            </h3>
                            <#if entry.agent.description??><p class="actorbound-agent-description">${entry.agent.description}</p></#if>
                            <#if !entry.enabled><p class="actorbound-agent-disabled">${msg("actorbound-my-agents-disabled")}</p></#if>
                            <dl class="pf-v5-c-description-list pf-m-horizontal pf-m-compact">
                                <div class="pf-v5-c-description-list__group">
                                    <dt class="pf-v5-c-description-list__term">${msg("actorbound-my-agents-app")}</dt>
                                    <dd class="pf-v5-c-description-list__description actorbound-app-name">${group.app.name}</dd>
                                </div>
                                <div class="pf-v5-c-description-list__group">
                                    <dt class="pf-v5-c-description-list__term">${msg("actorbound-my-agents-granted")}</dt>
                                    <dd class="pf-v5-c-description-list__description actorbound-granted-at"><time datetime="${entry.grantedAtIso}">${msg("actorbound-my-agents-granted-at", entry.grantedAt)}</time></dd>
                                </div>
                                <div class="pf-v5-c-description-list__group">
                                    <dt class="pf-v5-c-description-list__term">${msg("actorbound-my-agents-can")}</dt>
                                    <dd class="pf-v5-c-description-list__description actorbound-roles">
                                        <#if entry.roles?size gt 0>
                                            <ul class="${properties.kcListClass!}"><#list entry.roles as role><li>${role}</li></#list></ul>
                                        <#else>${msg("actorbound-consent-no-roles")}</#if>
                                    </dd>
                                </div>
                                <#if entry.scopes?size gt 0>
                                <div class="pf-v5-c-description-list__group">
                                    <dt class="pf-v5-c-description-list__term">${msg("actorbound-my-agents-scopes")}</dt>
                                    <dd class="pf-v5-c-description-list__description actorbound-scopes"><#list entry.scopes as scope><code>${scope}</code><#sep>, </#list></dd>
                                </div>
                                </#if>
                            </dl>
                            <form class="actorbound-revoke-form" action="${actorboundRevokeUrl}" method="post">
                                <input type="hidden" name="csrf_token" value="${actorboundCsrfToken}"/>
                                <input type="hidden" name="app" value="${entry.appUuid}"/>
                                <input type="hidden" name="agent" value="${entry.agentUuid}"/>
                                <button type="submit" class="${properties.kcButtonClass!} pf-m-danger actorbound-revoke"
                                        aria-label="${msg("actorbound-my-agents-revoke-label", entry.agent.name, group.app.name)}">${msg("actorbound-my-agents-revoke")}</button>
                            </form>
                        </li>
                    </#list>
                    </ul>
                </section>
            </#list>
        </#if>
            <p><a id="actorbound-my-agents-account" href="${actorboundAccountUrl}">${msg("actorbound-my-agents-account")}</a></p>
        </div>
    </#if>
</@layout.registrationLayout>
