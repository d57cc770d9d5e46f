<#-- Consent to an AI agent acting for the user. Plain markup with the theme's own CSS classes, so it fits
     keycloak.v2 and any custom login theme; a theme may ship its own agent-consent.ftl to override it. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayInfo=false; section>
    <#if section = "header">
        <span id="actorbound-consent-title">${msg("actorbound-consent-title", actorboundAgent.name, actorboundApp.name)}</span>
    <#elseif section = "form">
        <div id="actorbound-consent" class="content-area">
            <section aria-labelledby="actorbound-agent-heading">
                <h2 id="actorbound-agent-heading" class="${properties.kcLabelClass!}">${msg("actorbound-consent-agent-heading")}</h2>
                <p>
                    <#if actorboundAgent.logo??><img src="${actorboundAgent.logo}" alt="" width="48" height="48"/></#if>
                    <strong id="actorbound-agent-name">${actorboundAgent.name}</strong>
                    <span>(${actorboundAgent.clientId})</span>
                </p>
                <#if actorboundAgent.description??><p id="actorbound-agent-description">${actorboundAgent.description}</p></#if>
                <#if actorboundAgent.home??><p><a href="${actorboundAgent.home}" target="_blank" rel="noopener noreferrer">${msg("actorbound-consent-agent-home")}</a></p></#if>
                <p id="actorbound-app">${msg("actorbound-consent-app", actorboundApp.name)}</p>
            </section>
            <section aria-labelledby="actorbound-can-heading">
                <h2 id="actorbound-can-heading" class="${properties.kcLabelClass!}">${msg("actorbound-consent-can-heading", actorboundAgent.name)}</h2>
                <ul id="actorbound-roles" class="${properties.kcListClass!}">
                    <#list actorboundRoles as role><li>${role}</li></#list>
                    <#if actorboundRoles?size == 0><li>${msg("actorbound-consent-no-roles")}</li></#if>
                </ul>
                <#-- Every client scope the token will carry: the described ones with their consent texts (a text may be a
                     message key, as on Keycloak's own consent page), then the ones kept off consent screens, by name. -->
                <#if actorboundScopes?size gt 0>
                    <p id="actorbound-scopes-heading">${msg("actorbound-consent-scopes")}</p>
                    <ul id="actorbound-scopes" class="${properties.kcListClass!}" aria-labelledby="actorbound-scopes-heading">
                        <#list actorboundScopes as scope><li data-scope="${scope.name}">${advancedMsg(scope.text)}</li></#list>
                    </ul>
                </#if>
                <#if actorboundTechnicalScopes?size gt 0>
                    <p id="actorbound-technical-scopes">${msg("actorbound-consent-technical-scopes")} <#list actorboundTechnicalScopes as scope><code data-scope="${scope}">${scope}</code><#sep>, </#list></p>
                </#if>
                <p id="actorbound-lifetime">${msg("actorbound-consent-lifetime", actorboundLifetimeMinutes)}</p>
                <#if actorboundDelegates?size gt 0>
                    <p id="actorbound-delegates">${msg("actorbound-consent-delegates")} <#list actorboundDelegates as delegate><strong>${delegate}</strong><#sep>, </#list></p>
                </#if>
                <p>${msg("actorbound-consent-revocable")}</p>
            </section>
            <form id="actorbound-consent-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
                <div class="${properties.kcFormGroupClass!}">
                    <input class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonLargeClass!}"
                           name="accept" id="actorbound-accept" type="submit" value="${msg("actorbound-consent-accept")}"/>
                    <input class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!} ${properties.kcButtonLargeClass!}"
                           name="cancel" id="actorbound-deny" type="submit" value="${msg("actorbound-consent-deny")}"/>
                </div>
            </form>
        </div>
    </#if>
</@layout.registrationLayout>
